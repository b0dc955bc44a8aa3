package io.jstm.bench;

import io.jstm.examples.lee.Board;
import io.jstm.examples.lee.StmRouter;
import java.util.function.IntSupplier;
import scala.concurrent.stm.TArray;
import scala.concurrent.stm.TArray$;
import scala.reflect.ClassTag$;

/**
 * Lee on ScalaSTM 0.11.1 with its transactional array: the depth grid is one
 * {@code TArray[Long]} (made with {@code ClassTag.Long}, so its values sit in a
 * primitive {@code long[]}), the counterpart of jstm's {@link io.jstm.LongArray}
 * router; {@link ScalaStmRouter} is the ref-per-cell variant. Same
 * {@link StmRouter} code and atomic block as every other STM; the array is used
 * through its {@code single()} view, which joins the transaction running on the
 * calling thread.
 */
final class ScalaStmTArrayRouter extends StmRouter {

    @Override
    public String name() {
        return LeeBench.SCALA_STM_TARRAY;
    }

    @Override
    protected Grid newGrid(Board board) {
        TArray<Object> array = TArray$.MODULE$.ofDim(board.cells(), ClassTag$.MODULE$.Long());
        return new ViewGrid(array.single());
    }

    @Override
    protected int atomic(IntSupplier route) {
        return Atomically.scalaStm(tx -> route.getAsInt());
    }

    private record ViewGrid(TArray.View<Object> cells) implements Grid {
        @Override
        public int depth(int cell) {
            return (int) (long) (Long) cells.apply(cell);
        }

        @Override
        public void increment(int cell) {
            cells.update(cell, (Long) cells.apply(cell) + 1);
        }

        @Override
        public int committedDepth(int cell) {
            return Math.toIntExact((Long) cells.apply(cell));
        }
    }
}
