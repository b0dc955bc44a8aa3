package io.jstm.bench;

import io.jstm.examples.lee.Board;
import io.jstm.examples.lee.StmRouter;
import java.util.function.IntSupplier;
import scala.concurrent.stm.Ref;
import scala.concurrent.stm.Ref$;

/**
 * Lee on ScalaSTM 0.11.1 (its CCSTM engine), for comparison with jstm's
 * {@link io.jstm.examples.lee.Jstm} router on the same code ({@link StmRouter}):
 * one {@code STM.atomic} transaction per route over one ScalaSTM ref per cell.
 *
 * <p>Cells are ScalaSTM's specialised long refs ({@code Ref.apply(long)}, 32
 * bytes like a jstm {@code LongRef}; {@code STM.newRef} would make a boxed
 * generic one), used through their {@code single()} views, which join the
 * transaction running on the calling thread: the way Java code uses ScalaSTM's
 * {@code japi}. The views take and return {@code Object}; depths are small, so
 * the boxes come from the {@code Long.valueOf} cache.
 */
final class ScalaStmRouter extends StmRouter {

    @Override
    public String name() {
        return Impls.SCALA_STM;
    }

    @Override
    protected Grid newGrid(Board board) {
        @SuppressWarnings("unchecked")
        Ref.View<Object>[] cells = (Ref.View<Object>[]) new Ref.View<?>[board.cells()];
        for (int c = 0; c < cells.length; c++) {
            cells[c] = Ref$.MODULE$.apply(0L).single();
        }
        return new ViewGrid(cells);
    }

    @Override
    protected int atomic(IntSupplier route) {
        return Atomically.scalaStm(tx -> route.getAsInt());
    }

    private record ViewGrid(Ref.View<Object>[] cells) implements Grid {
        @Override
        public int depth(int cell) {
            return (int) (long) (Long) cells[cell].get();
        }

        @Override
        public void increment(int cell) {
            Ref.View<Object> v = cells[cell];
            v.set((Long) v.get() + 1);
        }

        @Override
        public int committedDepth(int cell) {
            return Math.toIntExact((Long) cells[cell].get());
        }
    }
}
