package io.jstm.examples.lee;

import io.jstm.LongRef;
import io.jstm.Stm;
import io.jstm.examples.lee.Board.Route;

import java.util.Arrays;

/**
 * Lee on jstm: the depth grid is a shared {@code LongRef[]}, one ref per cell,
 * and each route (expand, backtrack, lay) is one {@link Stm#atomic} transaction.
 * Worker threads take routes in board order from a shared counter.
 *
 * <p>A route's transaction reads the depth of every cell its wavefront reaches
 * (thousands to hundreds of thousands of refs on a 600 x 600 board) and writes
 * the few hundred cells of its path. Two routes conflict when one lays its path
 * through cells the other's wavefront read: the engine then re-runs the loser,
 * which sees the new depths and may choose another path. The expansion's
 * private matrices live in a per-thread {@link PathFinder} outside the
 * transaction: a re-run simply overwrites them.
 */
public final class Jstm implements Router {
    private final Boolean namedCells;

    /** Names the cell refs ({@code depth(x,y)}) only while conflict tracing is on, so reports are readable. */
    public Jstm() {
        this.namedCells = null;
    }

    /** Names the cell refs or not, whatever the tracing switch says (names cost memory: 360,000 strings on 600 x 600). */
    public Jstm(boolean namedCells) {
        this.namedCells = namedCells;
    }

    @Override
    public String name() {
        return "jstm";
    }

    @Override
    public Solution route(Board board, int threads) {
        LongRef[] grid = grid(board, namedCells != null ? namedCells : Stm.conflictTracing());
        int[][] paths = new int[board.routes().size()][];
        RouteWorkers.Times time = RouteWorkers.run("lee-jstm", threads, board.routes().size(), () -> {
            PathFinder finder = new OverRefs(board, grid);
            return index -> {
                Route r = board.routes().get(index);
                int length = Stm.atomic(() -> {
                    int n = finder.find(r);
                    int[] path = finder.path();
                    for (int i = 0; i < n; i++) {
                        LongRef cell = grid[path[i]];
                        cell.set(cell.get() + 1);
                    }
                    return n;
                });
                // The finder still holds the committed attempt's path: copy it out of the transaction.
                paths[index] = length > 0 ? Arrays.copyOf(finder.path(), length) : null;
            };
        });
        int[] depth = new int[grid.length];
        for (int c = 0; c < grid.length; c++) {
            depth[c] = Math.toIntExact(grid[c].get());
        }
        return new Solution(name(), threads, board, paths, depth, time.nanos(), time.cpuNanos());
    }

    private static LongRef[] grid(Board board, boolean named) {
        LongRef[] grid = new LongRef[board.cells()];
        for (int c = 0; c < grid.length; c++) {
            grid[c] = named ? LongRef.named("depth(" + c % board.width() + "," + c / board.width() + ")", 0)
                    : LongRef.of(0);
        }
        return grid;
    }

    /** Reads depths transactionally: inside the route's atomic block, each read joins its read set. */
    static final class OverRefs extends PathFinder {
        private final LongRef[] grid;

        OverRefs(Board board, LongRef[] grid) {
            super(board);
            this.grid = grid;
        }

        @Override
        protected int depth(int cell) {
            return (int) grid[cell].get();
        }
    }
}
