package io.jstm.examples.lee;

import io.jstm.LongRef;
import io.jstm.Stm;

import java.util.function.IntSupplier;

/**
 * Lee on jstm: the depth grid is a {@code LongRef[]}, one ref per cell, and
 * each route is one {@link Stm#atomic} transaction (see {@link StmRouter} for
 * what a route's transaction reads and writes, and when two routes conflict).
 */
public final class Jstm extends StmRouter {
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
    protected Grid newGrid(Board board) {
        boolean named = namedCells != null ? namedCells : Stm.conflictTracing();
        LongRef[] refs = new LongRef[board.cells()];
        for (int c = 0; c < refs.length; c++) {
            refs[c] = named ? LongRef.named("depth(" + c % board.width() + "," + c / board.width() + ")", 0)
                    : LongRef.of(0);
        }
        return new RefGrid(refs);
    }

    @Override
    protected int atomic(IntSupplier route) {
        return Stm.atomic(route::getAsInt);
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
