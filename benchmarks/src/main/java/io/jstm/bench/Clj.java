package io.jstm.bench;

import clojure.lang.AFn;
import clojure.lang.IFn;
import clojure.lang.LockingTransaction;
import java.util.concurrent.Callable;

/** Runs a block as a Clojure transaction ({@code dosync}) from Java. */
final class Clj {
    /** {@code inc} on a boxed long, for {@code commute}. */
    static final IFn INC = new AFn() {
        @Override
        public Object invoke(Object x) {
            return (Long) x + 1;
        }
    };

    private Clj() {}

    @SuppressWarnings("unchecked")
    static <T> T atomic(Callable<T> block) {
        try {
            return (T) LockingTransaction.runInTransaction(block);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Clojure transaction failed", e);
        }
    }
}
