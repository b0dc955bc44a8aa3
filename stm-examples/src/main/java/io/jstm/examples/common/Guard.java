package io.jstm.examples.common;

import io.jstm.Stm;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * How an example runs its critical sections: each as a jstm transaction, or
 * each under one global {@link ReentrantLock} (Python's GIL, in Java). The
 * examples' shared code takes a {@code Guard}, so both variants run the very
 * same code; only the state behind it differs (jstm refs and collections for
 * {@link #jstm()}, plain {@code java.util} ones for {@link #globalLock()}).
 *
 * <p>A block may be run more than once under {@link #jstm()} (on conflict), so
 * it must keep its side effects to the guarded state; return what it computed
 * and publish it after the block, as the examples do.
 */
public sealed interface Guard permits Guard.Transactions, Guard.GlobalLock, Guard.None {

    /** Runs {@code block} as one critical section. */
    void atomic(Runnable block);

    /** Runs {@code block} as one critical section and returns its result. */
    <T> T atomic(Supplier<T> block);

    /** "jstm", "global lock" or "sequential", for reports. */
    String name();

    /** Every block is a jstm transaction ({@link Stm#atomic}). */
    static Guard jstm() {
        return Transactions.INSTANCE;
    }

    /** Every block holds one lock, new for each call of this method: one per run. */
    static Guard globalLock() {
        return new GlobalLock();
    }

    /** Blocks run as they are: for the single-threaded reference runs only. */
    static Guard none() {
        return None.INSTANCE;
    }

    /**
     * Passes each block straight to {@link Stm#atomic}, never wrapped: the engine
     * predicts from a block's class whether it writes, so read-only blocks keep
     * their own class and start as read-only transactions.
     */
    final class Transactions implements Guard {
        static final Transactions INSTANCE = new Transactions();

        private Transactions() {}

        @Override
        public void atomic(Runnable block) {
            Stm.atomic(block);
        }

        @Override
        public <T> T atomic(Supplier<T> block) {
            return Stm.atomic(block);
        }

        @Override
        public String name() {
            return "jstm";
        }
    }

    /** One {@link ReentrantLock} around every block, so blocks run one at a time whatever the threads. */
    final class GlobalLock implements Guard {
        private final ReentrantLock lock = new ReentrantLock();

        private GlobalLock() {}

        @Override
        public void atomic(Runnable block) {
            lock.lock();
            try {
                block.run();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public <T> T atomic(Supplier<T> block) {
            lock.lock();
            try {
                return block.get();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public String name() {
            return "global lock";
        }
    }

    /** No guard at all: correct only on one thread. */
    final class None implements Guard {
        static final None INSTANCE = new None();

        private None() {}

        @Override
        public void atomic(Runnable block) {
            block.run();
        }

        @Override
        public <T> T atomic(Supplier<T> block) {
            return block.get();
        }

        @Override
        public String name() {
            return "sequential";
        }
    }
}
