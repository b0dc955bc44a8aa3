package io.jstm.examples.lee;

import io.jstm.examples.lee.Board.Route;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;

/**
 * Lee on a software transactional memory: the depth grid is one transactional
 * cell per board cell, and each route (expand, backtrack, lay) is one atomic
 * block. Worker threads take routes in board order from a shared counter.
 *
 * <p>A subclass supplies only its STM: the cells ({@link #newGrid}) and the
 * atomic block ({@link #atomic}). The path finder, the work distribution and
 * the copying out of paths are this class's, so every STM is measured on the
 * same code ({@link Jstm} here; ScalaSTM and Multiverse in the benchmarks
 * module). In a benchmark fork only one STM is loaded, so the {@link Grid}
 * calls are monomorphic and inlined.
 *
 * <p>A route's transaction reads the depth of every cell its wavefront reaches
 * (thousands to hundreds of thousands of cells on a 600 x 600 board) and writes
 * the few hundred cells of its path. Two routes conflict when one lays its path
 * through cells the other's wavefront read: the STM then re-runs the loser,
 * which sees the new depths and may choose another path. The expansion's
 * private matrices live in a per-worker {@link PathFinder} outside the
 * transaction: a re-run simply overwrites them. Each worker counts the times
 * its block runs, so {@link Solution#reruns()} counts aborts the same way for
 * every STM.
 */
public abstract class StmRouter implements Router {

    /** One routing's shared depth grid: one STM cell per board cell, each 0 at first. */
    public interface Grid {
        /** The depth of {@code cell}, read inside the atomic block (so the read joins the transaction). */
        int depth(int cell);

        /** Adds 1 to the depth of {@code cell}; called inside the atomic block only. */
        void increment(int cell);

        /** The committed depth of {@code cell}, read after routing, outside any transaction. */
        int committedDepth(int cell);
    }

    /** A new grid for {@code board}: {@code board.cells()} cells, all 0. */
    protected abstract Grid newGrid(Board board);

    /**
     * Runs {@code route} as one transaction of this STM, running it again after
     * every abort until it commits, and returns what the committed run returned.
     */
    protected abstract int atomic(IntSupplier route);

    @Override
    public final Routing prepare(Board board, int threads) {
        Grid grid = newGrid(board);
        int[][] paths = new int[board.routes().size()][];
        List<Worker> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(new Worker(board, grid, paths));
        }
        return new RouteWorkers(name(), board, paths, workers) {
            @Override
            int[] finalDepth() {
                int[] depth = new int[board.cells()];
                for (int c = 0; c < depth.length; c++) {
                    depth[c] = grid.committedDepth(c);
                }
                return depth;
            }

            @Override
            long reruns() {
                long runs = 0;
                for (Worker w : workers) {
                    runs += w.runs;
                }
                return runs - paths.length;
            }
        };
    }

    /** One worker thread's router: its path finder over the shared grid and its count of block runs. */
    private final class Worker implements IntConsumer {
        private final Board board;
        private final Grid grid;
        private final int[][] paths;
        private final PathFinder finder;
        /** Times this worker's atomic block started, re-runs included. Written by the worker only; read after join. */
        long runs;

        Worker(Board board, Grid grid, int[][] paths) {
            this.board = board;
            this.grid = grid;
            this.paths = paths;
            this.finder = new OverGrid(board, grid);
        }

        @Override
        public void accept(int index) {
            Route r = board.routes().get(index);
            int length = atomic(() -> {
                runs++;
                int n = finder.find(r);
                int[] path = finder.path();
                for (int i = 0; i < n; i++) {
                    grid.increment(path[i]);
                }
                return n;
            });
            // The finder still holds the committed run's path: copy it out of the transaction.
            paths[index] = length > 0 ? Arrays.copyOf(finder.path(), length) : null;
        }
    }

    /** Reads depths through the grid: inside the route's atomic block, each read joins the transaction. */
    private static final class OverGrid extends PathFinder {
        private final Grid grid;

        OverGrid(Board board, Grid grid) {
            super(board);
            this.grid = grid;
        }

        @Override
        protected int depth(int cell) {
            return grid.depth(cell);
        }
    }
}
