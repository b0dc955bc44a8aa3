package io.jstm.examples.lee;

import io.jstm.LongArray;
import io.jstm.LongRef;
import io.jstm.Stm;

import java.util.function.IntSupplier;

/**
 * Lee on jstm: each route is one {@link Stm#atomic} transaction (see
 * {@link StmRouter} for what a route's transaction reads and writes, and when
 * two routes conflict). The depth grid is either one {@link LongArray} (the
 * default: about 14 bytes a cell, versioned in stripes of 8 cells of a row) or
 * a {@code LongRef[]}, one ref per cell (36 bytes a cell, versioned per cell;
 * {@link #withRefs}), so the two can be compared on the same boards.
 */
public final class Jstm extends StmRouter {
    private final boolean refs;
    private final Boolean namedCells;

    /** A router over one {@link LongArray} named {@code depth} (index {@code y * width + x}). */
    public Jstm() {
        this(false, null);
    }

    private Jstm(boolean refs, Boolean namedCells) {
        this.refs = refs;
        this.namedCells = namedCells;
    }

    /**
     * A router over one {@link LongRef} per cell. With {@code namedCells} null,
     * the refs are named ({@code depth(x,y)}) only while conflict tracing is on,
     * so reports are readable; names cost memory (360,000 strings on 600 x 600).
     */
    public static Jstm withRefs(Boolean namedCells) {
        return new Jstm(true, namedCells);
    }

    @Override
    public String name() {
        return refs ? "jstmRefs" : "jstm";
    }

    @Override
    protected Grid newGrid(Board board) {
        if (!refs) {
            return new ArrayGrid(LongArray.named("depth", board.cells()));
        }
        boolean named = namedCells != null ? namedCells : Stm.conflictTracing();
        LongRef[] cells = new LongRef[board.cells()];
        for (int c = 0; c < cells.length; c++) {
            cells[c] = named ? LongRef.named("depth(" + c % board.width() + "," + c / board.width() + ")", 0)
                    : LongRef.of(0);
        }
        return new RefGrid(cells);
    }

    @Override
    protected int atomic(IntSupplier route) {
        return Stm.atomic(route::getAsInt);
    }

    private record ArrayGrid(LongArray depth) implements Grid {
        @Override
        public int depth(int cell) {
            return (int) depth.get(cell);
        }

        @Override
        public void increment(int cell) {
            depth.set(cell, depth.get(cell) + 1);
        }

        @Override
        public int committedDepth(int cell) {
            return Math.toIntExact(depth.get(cell));
        }
    }

    private record RefGrid(LongRef[] refs) implements Grid {
        @Override
        public int depth(int cell) {
            return (int) refs[cell].get();
        }

        @Override
        public void increment(int cell) {
            LongRef r = refs[cell];
            r.set(r.get() + 1);
        }

        @Override
        public int committedDepth(int cell) {
            return Math.toIntExact(refs[cell].get());
        }
    }
}
