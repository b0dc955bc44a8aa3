package io.jstm.collections;

import io.jstm.Stm;

import java.util.function.Supplier;

/**
 * Runs a collection operation in the caller's transaction, or in its own
 * {@link Stm#atomic} block when there is none.
 *
 * <p>A single operation ({@link #call}, {@link #run}) joins a running
 * transaction directly instead of through a nested {@code atomic}, skipping
 * the checkpoint a nested block opens: those operations write nothing before
 * they have validated their arguments and run the user's functions, so an
 * exception never leaves half of one behind. A bulk operation ({@link #bulk})
 * is a loop of single ones that may fail half-way, so it always runs as an
 * {@code atomic} block: nested in a running transaction, its writes are undone
 * if it throws, and it is all or nothing there as it is outside one. So does an
 * operation whose user function may write before the operation checks it
 * ({@link #callingUserCode}).
 */
final class Atomically {
    private Atomically() {}

    static <T> T call(Supplier<T> op) {
        return Stm.inTransaction() ? op.get() : Stm.atomic(op);
    }

    static void run(Runnable op) {
        if (Stm.inTransaction()) {
            op.run();
        } else {
            Stm.atomic(op);
        }
    }

    /**
     * An operation that runs a user's function which may itself write (to this
     * collection, say) and which then validates what the function did: an
     * {@code atomic} block like {@link #bulk}, so that when the validation
     * throws, the function's writes are undone with the operation's.
     */
    static <T> T callingUserCode(Supplier<T> op) {
        return Stm.atomic(op);
    }

    static <T> T bulk(Supplier<T> op) {
        return Stm.atomic(op);
    }
}
