package io.jstm.bench;

import clojure.lang.Ref;
import io.jstm.LongRef;
import io.jstm.Stm;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongUnaryOperator;
import org.multiverse.api.StmUtils;
import org.multiverse.api.callables.TxnVoidCallable;
import org.multiverse.api.functions.LongFunction;
import org.multiverse.api.references.TxnLong;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import scala.concurrent.stm.japi.STM;

/**
 * Workload 3: every thread increments one shared counter, each increment its
 * own transaction: the worst case for optimistic concurrency (contention
 * collapse). Score: increments per microsecond, all threads together.
 *
 * <p>Two flavours per STM where the STM has them: a plain read-modify-write
 * ({@code c.set(c.get() + 1)}), and a commutative update applied at commit
 * ({@code jstmCommute}: {@code LongRef.commute}; {@code multiverseCommute}:
 * {@code TxnLong.commute}; {@code clojureCommute}: {@code Ref.commute}, i.e.
 * {@code (commute r inc)}). ScalaSTM's Java API has no commute. With one
 * counter a per-datum lock is the global lock, so there is no fineLocks row.
 * The {@code atomics} row ({@link Impls#ATOMICS}) is one
 * {@code AtomicLong.incrementAndGet}: the bound the hardware sets.
 *
 * <p>Aborts are counted as in {@link BankBench} (re-executions of the block,
 * reported beside the score as {@code aborts}). Check: after every iteration
 * the counter equals the number of increments all threads completed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HotCounterBench {
    static final String JSTM_COMMUTE = "jstmCommute";
    static final String MULTIVERSE_COMMUTE = "multiverseCommute";
    static final String CLOJURE_COMMUTE = "clojureCommute";

    @Param({Impls.JSTM, JSTM_COMMUTE, Impls.SCALA_STM, Impls.MULTIVERSE, MULTIVERSE_COMMUTE,
            Impls.CLOJURE, CLOJURE_COMMUTE, Impls.GLOBAL_LOCK, Impls.PLAIN, Impls.ATOMICS})
    public String impl;

    private Counter counter;
    final Queue<Worker> workers = new ConcurrentLinkedQueue<>();

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        init(params.getThreads());
    }

    /** Builds the shared data for {@code impl}, to be used by {@code threads} threads. */
    void init(int threads) {
        Impls.requireOneThreadForPlain(impl, threads);
        counter = switch (impl) {
            case Impls.JSTM -> new JstmCounter();
            case JSTM_COMMUTE -> new JstmCommuteCounter();
            case Impls.SCALA_STM -> new ScalaCounter();
            case Impls.MULTIVERSE -> new MultiverseCounter();
            case MULTIVERSE_COMMUTE -> new MultiverseCommuteCounter();
            case Impls.CLOJURE -> new ClojureCounter();
            case CLOJURE_COMMUTE -> new ClojureCommuteCounter();
            case Impls.GLOBAL_LOCK -> new GlobalLockCounter();
            case Impls.PLAIN -> new PlainCounter();
            case Impls.ATOMICS -> new AtomicsCounter();
            default -> throw Impls.unknown(impl);
        };
    }

    /** Runs after every thread finished the iteration (JMH joins them first). */
    @Setup(Level.Iteration)
    public void resetStatistics() {
        JstmStatistics.reset(impl);
    }

    @TearDown(Level.Iteration)
    public void checkCount() {
        JstmStatistics.print(impl);
        long done = 0;
        for (Worker w : workers) {
            done += w.done;
        }
        long value = counter.value();
        if (value != done) {
            throw new IllegalStateException(impl + ": the counter is " + value + " after " + done
                    + " completed increments (lost or doubled updates)");
        }
    }

    @Benchmark
    @Threads(1)
    public void t1(Worker w) {
        step(w);
    }

    @Benchmark
    @Threads(2)
    public void t2(Worker w) {
        step(w);
    }

    private void step(Worker w) {
        w.attempts = 0;
        counter.increment(w);
        w.aborts += w.attempts - 1;
        w.done++;
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Worker {
        /** Re-executed blocks in this iteration (reported as a rate). */
        public long aborts;

        /** Increments this thread completed, over the whole trial. */
        long done;
        /** Incremented by the block each time it runs. Thread-confined. */
        int attempts;

        @Setup(Level.Trial)
        public void register(HotCounterBench bench) {
            bench.workers.add(this);
        }

        @Setup(Level.Iteration)
        public void resetCounters() {
            aborts = 0;
        }
    }

    abstract static class Counter {
        abstract void increment(Worker w);

        abstract long value();
    }

    static final class JstmCounter extends Counter {
        final LongRef c = LongRef.of(0);

        @Override
        void increment(Worker w) {
            Stm.atomic(() -> {
                w.attempts++;
                c.set(c.get() + 1);
            });
        }

        @Override
        long value() {
            return c.get();
        }
    }

    static final class JstmCommuteCounter extends Counter {
        private static final LongUnaryOperator INC = x -> x + 1;
        final LongRef c = LongRef.of(0);

        @Override
        void increment(Worker w) {
            Stm.atomic(() -> {
                w.attempts++;
                c.commute(INC);
            });
        }

        @Override
        long value() {
            return c.get();
        }
    }

    static final class ScalaCounter extends Counter {
        final scala.concurrent.stm.Ref.View<Long> c = STM.newRef(0L);

        @Override
        void increment(Worker w) {
            STM.atomic(() -> {
                w.attempts++;
                c.set(c.get() + 1);
            });
        }

        @Override
        long value() {
            return c.get();
        }
    }

    static final class MultiverseCounter extends Counter {
        final TxnLong c = MultiverseRefs.newTxnLong(0);

        @Override
        void increment(Worker w) {
            StmUtils.atomic((TxnVoidCallable) tx -> {
                w.attempts++;
                c.set(tx, c.get(tx) + 1);
            });
        }

        @Override
        long value() {
            return c.atomicGet();
        }
    }

    static final class MultiverseCommuteCounter extends Counter {
        static final LongFunction INC = new LongFunction() {
            @Override
            public long call(long x) {
                return x + 1;
            }
        };
        final TxnLong c = MultiverseRefs.newTxnLong(0);

        @Override
        void increment(Worker w) {
            StmUtils.atomic((TxnVoidCallable) tx -> {
                w.attempts++;
                c.commute(tx, INC);
            });
        }

        @Override
        long value() {
            return c.atomicGet();
        }
    }

    static final class ClojureCounter extends Counter {
        final Ref c = new Ref(0L);

        @Override
        void increment(Worker w) {
            Clj.atomic(() -> {
                w.attempts++;
                c.set((Long) c.deref() + 1);
                return null;
            });
        }

        @Override
        long value() {
            return (Long) c.deref();
        }
    }

    static final class ClojureCommuteCounter extends Counter {
        final Ref c = new Ref(0L);

        @Override
        void increment(Worker w) {
            Clj.atomic(() -> {
                w.attempts++;
                c.commute(Clj.INC, null);
                return null;
            });
        }

        @Override
        long value() {
            return (Long) c.deref();
        }
    }

    static final class GlobalLockCounter extends Counter {
        long c;

        @Override
        void increment(Worker w) {
            ReentrantLock lock = Impls.GIL;
            lock.lock();
            try {
                w.attempts++;
                c++;
            } finally {
                lock.unlock();
            }
        }

        @Override
        long value() {
            ReentrantLock lock = Impls.GIL;
            lock.lock();
            try {
                return c;
            } finally {
                lock.unlock();
            }
        }
    }

    static final class PlainCounter extends Counter {
        long c;

        @Override
        void increment(Worker w) {
            w.attempts++;
            c++;
        }

        @Override
        long value() {
            return c;
        }
    }

    /** The hardware bound ({@link Impls#ATOMICS}): one atomic add per increment. */
    static final class AtomicsCounter extends Counter {
        final AtomicLong c = new AtomicLong();

        @Override
        void increment(Worker w) {
            w.attempts++;
            c.incrementAndGet();
        }

        @Override
        long value() {
            return c.get();
        }
    }
}
