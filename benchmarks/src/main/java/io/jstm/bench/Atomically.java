package io.jstm.bench;

import io.jstm.Stm;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.Lock;
import org.multiverse.api.GlobalStmInstance;
import org.multiverse.api.IsolationLevel;
import org.multiverse.api.Txn;
import org.multiverse.api.TxnExecutor;
import org.multiverse.api.callables.TxnCallable;
import scala.concurrent.stm.japi.STM;

/**
 * Runs a {@link Body} as one transaction of a given STM, or under a lock.
 *
 * <p>The data-structure workloads ({@link IntSetBench}, {@link RbTreeBench})
 * write each algorithm once, against abstract node accessors that take the
 * current transaction as an {@code Object}: Multiverse gets its own
 * {@link Txn} (its fastest, explicit path), the others get {@code null} and
 * find their transaction the way their Java API does. In one JMH fork only one
 * implementation is loaded, so every accessor call site is monomorphic and
 * inlined.
 *
 * <p>The Lee routers ({@link ScalaStmRouter}, {@link MultiverseRouter}) use
 * the ScalaSTM and serializable Multiverse blocks as their atomic block too.
 *
 * <p>Those algorithms need serializable transactions. jstm and ScalaSTM
 * provide them; Multiverse does at {@link IsolationLevel#Serializable} (its
 * default is snapshot isolation); Clojure refs are always snapshot isolation,
 * so its node classes add the conflicts themselves (see
 * {@code IntSetBench.ClojureSet} and {@code RbTreeBench.ClojureTree}).
 */
final class Atomically {
    /** A transaction body; {@code tx} is the Multiverse {@link Txn}, otherwise {@code null}. */
    @FunctionalInterface
    interface Body<T> {
        T run(Object tx);
    }

    private Atomically() {}

    static <T> T jstm(Body<T> body) {
        return Stm.atomic(() -> body.run(null));
    }

    static <T> T scalaStm(Body<T> body) {
        return STM.atomic((Callable<T>) () -> body.run(null));
    }

    /**
     * A Multiverse transaction at {@link IsolationLevel#Serializable}.
     * Multiverse's default level is snapshot isolation, which allows write
     * skew; the data-structure workloads need serializability to stay
     * correct (a 2-thread stress test breaks both structures without it).
     */
    static <T> T multiverseSerializable(Body<T> body) {
        return MultiverseSerializable.EXECUTOR.execute((TxnCallable<T>) body::run);
    }

    /** Holder: created on first use, so runs of other implementations never start Multiverse. */
    private static final class MultiverseSerializable {
        static final TxnExecutor EXECUTOR = GlobalStmInstance.getGlobalStmInstance()
                .newTxnFactoryBuilder()
                .setIsolationLevel(IsolationLevel.Serializable)
                .newTxnExecutor();
    }

    static <T> T clojure(Body<T> body) {
        return Clj.atomic(() -> body.run(null));
    }

    /** A Clojure transaction whose body gets {@code tx} (a marker the accessors understand). */
    static <T> T clojure(Object tx, Body<T> body) {
        return Clj.atomic(() -> body.run(tx));
    }

    static <T> T locked(Lock lock, Body<T> body) {
        lock.lock();
        try {
            return body.run(null);
        } finally {
            lock.unlock();
        }
    }
}
