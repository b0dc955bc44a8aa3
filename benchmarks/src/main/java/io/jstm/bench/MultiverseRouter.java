package io.jstm.bench;

import io.jstm.examples.lee.Board;
import io.jstm.examples.lee.StmRouter;
import java.util.function.IntSupplier;
import org.multiverse.api.references.TxnInteger;

/**
 * Lee on Multiverse 0.7.0 (its GammaStm), on the same code as jstm's router
 * ({@link StmRouter}): one transaction per route over one {@link TxnInteger}
 * per cell.
 *
 * <p>Transactions run at {@code IsolationLevel.Serializable}
 * ({@link Atomically#multiverseSerializable}), like jstm's and ScalaSTM's: at
 * Multiverse's default, snapshot isolation, a route would not conflict with a
 * path laid through cells it only read, and would lay its path on depths that
 * are no longer true. The path finder reads cells without a transaction
 * argument, so the cells are read with {@code get()}, which finds the running
 * transaction in Multiverse's thread-local (as jstm and ScalaSTM find theirs),
 * not with {@code get(txn)}, the explicit path the other workloads use.
 */
final class MultiverseRouter extends StmRouter {

    @Override
    public String name() {
        return Impls.MULTIVERSE;
    }

    @Override
    protected Grid newGrid(Board board) {
        TxnInteger[] cells = new TxnInteger[board.cells()];
        for (int c = 0; c < cells.length; c++) {
            cells[c] = MultiverseRefs.newTxnInteger(0);
        }
        return new TxnIntegerGrid(cells);
    }

    @Override
    protected int atomic(IntSupplier route) {
        return Atomically.multiverseSerializable(tx -> route.getAsInt());
    }

    private record TxnIntegerGrid(TxnInteger[] cells) implements Grid {
        @Override
        public int depth(int cell) {
            return cells[cell].get();
        }

        @Override
        public void increment(int cell) {
            TxnInteger v = cells[cell];
            v.set(v.get() + 1);
        }

        @Override
        public int committedDepth(int cell) {
            return cells[cell].atomicGet();
        }
    }
}
