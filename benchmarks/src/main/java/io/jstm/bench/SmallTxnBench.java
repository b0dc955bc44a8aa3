package io.jstm.bench;

import clojure.lang.Ref;
import io.jstm.Stm;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.multiverse.api.StmUtils;
import org.multiverse.api.callables.TxnVoidCallable;
import org.multiverse.api.references.TxnRef;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import scala.concurrent.stm.japi.STM;

/**
 * Workload 1: the cost of one small transaction, read 8 refs and write 2 of
 * them. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes
 * allocated per transaction.
 *
 * <p>Each thread has its own 8 refs (the state is thread-scoped), so at 2
 * threads nothing conflicts and the run shows how the uncontended path scales
 * (a shared clock or counter shows up here). The globalLock baseline still
 * shares its one lock between the threads: that is what a global lock costs.
 *
 * <p>Each transaction sums refs 2..7 (constants 3..8, sum 33), then sets
 * {@code r0 = r0 + 1} and {@code r1 = r1 + sum}, both modulo 1024. Values are
 * boxed {@code Long}s taken from a preallocated table, so the workload itself
 * allocates nothing: any allocation is the engine's. The blocks are allocated
 * once, at set-up, for the same reason. After every iteration the thread
 * checks {@code r0 == (1 + ops) mod 1024} and {@code r1 == (2 + 33 ops) mod 1024}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SmallTxnBench {
    static final int REFS = 8;
    static final int MASK = 1023;
    /** Sum of the initial values of refs 2..7 (3 + 4 + ... + 8); they are never written. */
    static final long CONSTANT_SUM = 33;
    /** Boxes for 0..1023, so that writing a value never allocates. */
    static final Long[] BOX = new Long[MASK + 1];

    static {
        for (int i = 0; i <= MASK; i++) {
            BOX[i] = Long.valueOf(i);
        }
    }

    @Param({Impls.JSTM, Impls.SCALA_STM, Impls.MULTIVERSE, Impls.CLOJURE,
            Impls.GLOBAL_LOCK, Impls.FINE_LOCKS, Impls.PLAIN})
    public String impl;

    private SmallTxn txn;
    private long ops;

    @Setup(Level.Trial)
    public void setUp() {
        txn = switch (impl) {
            case Impls.JSTM -> new JstmTxn();
            case Impls.SCALA_STM -> new ScalaTxn();
            case Impls.MULTIVERSE -> new MultiverseTxn();
            case Impls.CLOJURE -> new ClojureTxn();
            case Impls.GLOBAL_LOCK -> new GlobalLockTxn();
            case Impls.FINE_LOCKS -> new FineLocksTxn();
            case Impls.PLAIN -> new PlainTxn();
            default -> throw Impls.unknown(impl);
        };
    }

    @TearDown(Level.Iteration)
    public void check() {
        long r0 = txn.value(0);
        long r1 = txn.value(1);
        long want0 = (1 + ops) & MASK;
        long want1 = (2 + CONSTANT_SUM * ops) & MASK;
        if (r0 != want0 || r1 != want1) {
            throw new IllegalStateException(impl + ": after " + ops + " transactions r0=" + r0 + " r1=" + r1
                    + ", expected r0=" + want0 + " r1=" + want1 + " (lost or torn update)");
        }
    }

    @Benchmark
    @Threads(1)
    public void t1() {
        txn.run();
        ops++;
    }

    @Benchmark
    @Threads(2)
    public void t2() {
        txn.run();
        ops++;
    }

    static Long next0(long r0) {
        return BOX[(int) ((r0 + 1) & MASK)];
    }

    static Long next1(long r1, long sum) {
        return BOX[(int) ((r1 + sum) & MASK)];
    }

    /** One implementation: {@link #run()} is the measured transaction. */
    abstract static class SmallTxn {
        abstract void run();

        /** The committed value of ref {@code i}, read after the iteration. */
        abstract long value(int i);
    }

    static final class JstmTxn extends SmallTxn {
        @SuppressWarnings("unchecked")
        final io.jstm.Ref<Long>[] r = new io.jstm.Ref[REFS];
        final Runnable block;

        JstmTxn() {
            for (int i = 0; i < REFS; i++) {
                r[i] = io.jstm.Ref.of(BOX[i + 1]);
            }
            block = () -> {
                long sum = r[2].get() + r[3].get() + r[4].get() + r[5].get() + r[6].get() + r[7].get();
                long r0 = r[0].get();
                long r1 = r[1].get();
                r[0].set(next0(r0));
                r[1].set(next1(r1, sum));
            };
        }

        @Override
        void run() {
            Stm.atomic(block);
        }

        @Override
        long value(int i) {
            return r[i].get();
        }
    }

    static final class ScalaTxn extends SmallTxn {
        @SuppressWarnings("unchecked")
        final scala.concurrent.stm.Ref.View<Long>[] r = new scala.concurrent.stm.Ref.View[REFS];
        final Runnable block;

        ScalaTxn() {
            for (int i = 0; i < REFS; i++) {
                r[i] = STM.newRef(BOX[i + 1]);
            }
            block = () -> {
                long sum = r[2].get() + r[3].get() + r[4].get() + r[5].get() + r[6].get() + r[7].get();
                long r0 = r[0].get();
                long r1 = r[1].get();
                r[0].set(next0(r0));
                r[1].set(next1(r1, sum));
            };
        }

        @Override
        void run() {
            STM.atomic(block);
        }

        @Override
        long value(int i) {
            return r[i].get();
        }
    }

    static final class MultiverseTxn extends SmallTxn {
        @SuppressWarnings("unchecked")
        final TxnRef<Long>[] r = new TxnRef[REFS];
        final TxnVoidCallable block;

        MultiverseTxn() {
            for (int i = 0; i < REFS; i++) {
                r[i] = MultiverseRefs.newTxnRef(BOX[i + 1]);
            }
            block = tx -> {
                long sum = r[2].get(tx) + r[3].get(tx) + r[4].get(tx) + r[5].get(tx) + r[6].get(tx) + r[7].get(tx);
                long r0 = r[0].get(tx);
                long r1 = r[1].get(tx);
                r[0].set(tx, next0(r0));
                r[1].set(tx, next1(r1, sum));
            };
        }

        @Override
        void run() {
            StmUtils.atomic(block);
        }

        @Override
        long value(int i) {
            return r[i].atomicGet();
        }
    }

    static final class ClojureTxn extends SmallTxn {
        final Ref[] r = new Ref[REFS];
        final Callable<Object> block;

        ClojureTxn() {
            for (int i = 0; i < REFS; i++) {
                r[i] = new Ref(BOX[i + 1]);
            }
            block = () -> {
                long sum = (Long) r[2].deref() + (Long) r[3].deref() + (Long) r[4].deref()
                        + (Long) r[5].deref() + (Long) r[6].deref() + (Long) r[7].deref();
                long r0 = (Long) r[0].deref();
                long r1 = (Long) r[1].deref();
                r[0].set(next0(r0));
                r[1].set(next1(r1, sum));
                return null;
            };
        }

        @Override
        void run() {
            Clj.atomic(block);
        }

        @Override
        long value(int i) {
            return (Long) r[i].deref();
        }
    }

    /** The plain data the lock baselines protect: the same boxed values. */
    abstract static class LockedTxn extends SmallTxn {
        final Long[] v = new Long[REFS];

        LockedTxn() {
            for (int i = 0; i < REFS; i++) {
                v[i] = BOX[i + 1];
            }
        }

        final void body() {
            long sum = v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
            long r0 = v[0];
            long r1 = v[1];
            v[0] = next0(r0);
            v[1] = next1(r1, sum);
        }

        @Override
        long value(int i) {
            return v[i];
        }
    }

    static final class GlobalLockTxn extends LockedTxn {
        @Override
        void run() {
            ReentrantLock lock = Impls.GIL;
            lock.lock();
            try {
                body();
            } finally {
                lock.unlock();
            }
        }
    }

    /** One lock per ref; all 8 are taken (they are all read) in index order. */
    static final class FineLocksTxn extends LockedTxn {
        final ReentrantLock[] locks = new ReentrantLock[REFS];

        FineLocksTxn() {
            for (int i = 0; i < REFS; i++) {
                locks[i] = new ReentrantLock();
            }
        }

        @Override
        void run() {
            ReentrantLock[] l = locks;
            for (int i = 0; i < REFS; i++) {
                l[i].lock();
            }
            try {
                body();
            } finally {
                for (int i = REFS - 1; i >= 0; i--) {
                    l[i].unlock();
                }
            }
        }
    }

    /** No synchronization at all; safe here because each thread has its own data. */
    static final class PlainTxn extends LockedTxn {
        @Override
        void run() {
            body();
        }
    }
}
