package io.jstm.bench;

import clojure.lang.Ref;
import io.jstm.LongRef;
import io.jstm.Stm;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.multiverse.api.StmUtils;
import org.multiverse.api.callables.TxnLongCallable;
import org.multiverse.api.callables.TxnVoidCallable;
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
 * Workload 2: a bank of 1024 accounts. 90% of operations transfer a random
 * amount (1..100) between two distinct random accounts; 10% are read-only
 * transactions that sum 64 consecutive accounts (a snapshot read beside the
 * writers). Score: operations per microsecond, all threads together.
 *
 * <p>Aborts are counted the same way for every STM: the block increments a
 * per-thread counter each time it runs, so {@code attempts - 1} per operation
 * are re-executions. They are reported beside the score as the secondary
 * results {@code aborts} (transfers) and {@code readOnlyAborts} (sums), in the
 * same unit as the score, so {@code aborts / score} is aborts per operation.
 *
 * <p>Check: after every iteration the total of all balances must still be
 * 1024 x 1000 (read in one transaction, or under every lock).
 *
 * <p>The {@code atomics} row ({@link AtomicsBank}) is not a correct bank but
 * the hardware's bound: the same accesses as one atomic instruction each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BankBench {
    static final int ACCOUNTS = 1024;
    static final int INDEX_MASK = ACCOUNTS - 1;
    static final long INITIAL_BALANCE = 1_000;
    static final long TOTAL = ACCOUNTS * INITIAL_BALANCE;
    static final int SUM_SPAN = 64;
    static final int READ_ONLY_PERCENT = 10;
    static final int MAX_AMOUNT = 100;

    @Param({Impls.JSTM, Impls.SCALA_STM, Impls.MULTIVERSE, Impls.CLOJURE,
            Impls.GLOBAL_LOCK, Impls.FINE_LOCKS, Impls.PLAIN, Impls.ATOMICS})
    public String impl;

    private Bank bank;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        init(params.getThreads());
    }

    /** Builds the shared data for {@code impl}, to be used by {@code threads} threads. */
    void init(int threads) {
        Impls.requireOneThreadForPlain(impl, threads);
        bank = switch (impl) {
            case Impls.JSTM -> new JstmBank();
            case Impls.SCALA_STM -> new ScalaBank();
            case Impls.MULTIVERSE -> new MultiverseBank();
            case Impls.CLOJURE -> new ClojureBank();
            case Impls.GLOBAL_LOCK -> new GlobalLockBank();
            case Impls.FINE_LOCKS -> new FineLocksBank();
            case Impls.PLAIN -> new PlainBank();
            case Impls.ATOMICS -> new AtomicsBank();
            default -> throw Impls.unknown(impl);
        };
    }

    @Setup(Level.Iteration)
    public void resetStatistics() {
        JstmStatistics.reset(impl);
    }

    @TearDown(Level.Iteration)
    public void checkTotal() {
        JstmStatistics.print(impl);
        long total = bank.total();
        if (total != TOTAL) {
            throw new IllegalStateException(impl + ": the bank total is " + total + ", expected " + TOTAL
                    + " (money was created or lost)");
        }
    }

    @Benchmark
    @Threads(1)
    public long t1(Worker w) {
        return step(w);
    }

    @Benchmark
    @Threads(2)
    public long t2(Worker w) {
        return step(w);
    }

    private long step(Worker w) {
        Rng rng = w.rng;
        if (rng.nextInt(100) < READ_ONLY_PERCENT) {
            w.start = rng.nextInt(ACCOUNTS);
            w.attempts = 0;
            bank.sum(w);
            w.readOnlyAborts += w.attempts - 1;
            return w.sum;
        }
        int from = rng.nextInt(ACCOUNTS);
        int to = rng.nextInt(ACCOUNTS - 1);
        if (to >= from) {
            to++;
        }
        w.from = from;
        w.to = to;
        w.amount = 1 + rng.nextInt(MAX_AMOUNT);
        w.attempts = 0;
        bank.transfer(w);
        w.aborts += w.attempts - 1;
        return w.amount;
    }

    /** One thread's operation arguments, scratch counters and reported abort counts. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Worker {
        /** Re-executed transfer blocks in this iteration (reported as a rate). */
        public long aborts;
        /** Re-executed read-only sum blocks in this iteration (reported as a rate). */
        public long readOnlyAborts;

        final Rng rng = new Rng();
        int from;
        int to;
        long amount;
        int start;
        long sum;
        /** Incremented by the block each time it runs. Thread-confined. */
        int attempts;

        @Setup(Level.Iteration)
        public void resetCounters() {
            aborts = 0;
            readOnlyAborts = 0;
        }
    }

    /** One implementation of the bank. */
    abstract static class Bank {
        /** Moves {@code w.amount} from {@code w.from} to {@code w.to}. */
        abstract void transfer(Worker w);

        /** Sets {@code w.sum} to the sum of {@code SUM_SPAN} accounts from {@code w.start}, wrapping. */
        abstract void sum(Worker w);

        /** The sum of all balances, read atomically. */
        abstract long total();
    }

    static final class JstmBank extends Bank {
        final LongRef[] acc = new LongRef[ACCOUNTS];

        JstmBank() {
            for (int i = 0; i < ACCOUNTS; i++) {
                acc[i] = LongRef.of(INITIAL_BALANCE);
            }
        }

        @Override
        void transfer(Worker w) {
            LongRef a = acc[w.from];
            LongRef b = acc[w.to];
            long amount = w.amount;
            Stm.atomic(() -> {
                w.attempts++;
                a.set(a.get() - amount);
                b.set(b.get() + amount);
            });
        }

        @Override
        void sum(Worker w) {
            int start = w.start;
            Stm.atomic(() -> {
                w.attempts++;
                long s = 0;
                for (int i = 0; i < SUM_SPAN; i++) {
                    s += acc[(start + i) & INDEX_MASK].get();
                }
                w.sum = s;
            });
        }

        @Override
        long total() {
            return Stm.atomic(() -> {
                long s = 0;
                for (LongRef r : acc) {
                    s += r.get();
                }
                return s;
            });
        }
    }

    static final class ScalaBank extends Bank {
        @SuppressWarnings("unchecked")
        final scala.concurrent.stm.Ref.View<Long>[] acc = new scala.concurrent.stm.Ref.View[ACCOUNTS];

        ScalaBank() {
            for (int i = 0; i < ACCOUNTS; i++) {
                acc[i] = STM.newRef(INITIAL_BALANCE);
            }
        }

        @Override
        void transfer(Worker w) {
            scala.concurrent.stm.Ref.View<Long> a = acc[w.from];
            scala.concurrent.stm.Ref.View<Long> b = acc[w.to];
            long amount = w.amount;
            STM.atomic(() -> {
                w.attempts++;
                a.set(a.get() - amount);
                b.set(b.get() + amount);
            });
        }

        @Override
        void sum(Worker w) {
            int start = w.start;
            STM.atomic(() -> {
                w.attempts++;
                long s = 0;
                for (int i = 0; i < SUM_SPAN; i++) {
                    s += acc[(start + i) & INDEX_MASK].get();
                }
                w.sum = s;
            });
        }

        @Override
        long total() {
            return STM.atomic(() -> {
                long s = 0;
                for (scala.concurrent.stm.Ref.View<Long> r : acc) {
                    s += r.get();
                }
                return s;
            });
        }
    }

    static final class MultiverseBank extends Bank {
        final TxnLong[] acc = new TxnLong[ACCOUNTS];

        MultiverseBank() {
            for (int i = 0; i < ACCOUNTS; i++) {
                acc[i] = MultiverseRefs.newTxnLong(INITIAL_BALANCE);
            }
        }

        @Override
        void transfer(Worker w) {
            TxnLong a = acc[w.from];
            TxnLong b = acc[w.to];
            long amount = w.amount;
            StmUtils.atomic((TxnVoidCallable) tx -> {
                w.attempts++;
                a.set(tx, a.get(tx) - amount);
                b.set(tx, b.get(tx) + amount);
            });
        }

        @Override
        void sum(Worker w) {
            int start = w.start;
            StmUtils.atomic((TxnVoidCallable) tx -> {
                w.attempts++;
                long s = 0;
                for (int i = 0; i < SUM_SPAN; i++) {
                    s += acc[(start + i) & INDEX_MASK].get(tx);
                }
                w.sum = s;
            });
        }

        @Override
        long total() {
            return StmUtils.atomic((TxnLongCallable) tx -> {
                long s = 0;
                for (TxnLong r : acc) {
                    s += r.get(tx);
                }
                return s;
            });
        }
    }

    static final class ClojureBank extends Bank {
        final Ref[] acc = new Ref[ACCOUNTS];

        ClojureBank() {
            for (int i = 0; i < ACCOUNTS; i++) {
                acc[i] = new Ref(INITIAL_BALANCE);
            }
        }

        @Override
        void transfer(Worker w) {
            Ref a = acc[w.from];
            Ref b = acc[w.to];
            long amount = w.amount;
            Clj.atomic(() -> {
                w.attempts++;
                a.set((Long) a.deref() - amount);
                b.set((Long) b.deref() + amount);
                return null;
            });
        }

        @Override
        void sum(Worker w) {
            int start = w.start;
            Clj.atomic(() -> {
                w.attempts++;
                long s = 0;
                for (int i = 0; i < SUM_SPAN; i++) {
                    s += (Long) acc[(start + i) & INDEX_MASK].deref();
                }
                w.sum = s;
                return null;
            });
        }

        @Override
        long total() {
            return Clj.atomic(() -> {
                long s = 0;
                for (Ref r : acc) {
                    s += (Long) r.deref();
                }
                return s;
            });
        }
    }

    /** Balances in a plain array; subclasses decide how (and whether) to lock. */
    abstract static class ArrayBank extends Bank {
        final long[] balance = new long[ACCOUNTS];

        ArrayBank() {
            java.util.Arrays.fill(balance, INITIAL_BALANCE);
        }

        final void transferBody(Worker w) {
            w.attempts++;
            balance[w.from] -= w.amount;
            balance[w.to] += w.amount;
        }

        final void sumBody(Worker w) {
            w.attempts++;
            long s = 0;
            int start = w.start;
            for (int i = 0; i < SUM_SPAN; i++) {
                s += balance[(start + i) & INDEX_MASK];
            }
            w.sum = s;
        }

        final long totalBody() {
            long s = 0;
            for (long b : balance) {
                s += b;
            }
            return s;
        }
    }

    static final class GlobalLockBank extends ArrayBank {
        @Override
        void transfer(Worker w) {
            ReentrantLock lock = Impls.GIL;
            lock.lock();
            try {
                transferBody(w);
            } finally {
                lock.unlock();
            }
        }

        @Override
        void sum(Worker w) {
            ReentrantLock lock = Impls.GIL;
            lock.lock();
            try {
                sumBody(w);
            } finally {
                lock.unlock();
            }
        }

        @Override
        long total() {
            ReentrantLock lock = Impls.GIL;
            lock.lock();
            try {
                return totalBody();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * One lock per account, always taken in ascending account order (so no
     * deadlock): a transfer takes 2 locks, a sum takes its 64.
     */
    static final class FineLocksBank extends ArrayBank {
        final ReentrantLock[] locks = new ReentrantLock[ACCOUNTS];

        FineLocksBank() {
            for (int i = 0; i < ACCOUNTS; i++) {
                locks[i] = new ReentrantLock();
            }
        }

        @Override
        void transfer(Worker w) {
            ReentrantLock first = locks[Math.min(w.from, w.to)];
            ReentrantLock second = locks[Math.max(w.from, w.to)];
            first.lock();
            second.lock();
            try {
                transferBody(w);
            } finally {
                second.unlock();
                first.unlock();
            }
        }

        @Override
        void sum(Worker w) {
            // The span [start, start + 64) may wrap past the last account; in
            // ascending order that is [0, end) first, then [start, 1024).
            int start = w.start;
            int end = start + SUM_SPAN;
            int wrapped = Math.max(0, end - ACCOUNTS);
            int last = Math.min(end, ACCOUNTS);
            for (int i = 0; i < wrapped; i++) {
                locks[i].lock();
            }
            for (int i = start; i < last; i++) {
                locks[i].lock();
            }
            try {
                sumBody(w);
            } finally {
                for (int i = last - 1; i >= start; i--) {
                    locks[i].unlock();
                }
                for (int i = wrapped - 1; i >= 0; i--) {
                    locks[i].unlock();
                }
            }
        }

        @Override
        long total() {
            for (ReentrantLock l : locks) {
                l.lock();
            }
            try {
                return totalBody();
            } finally {
                for (int i = ACCOUNTS - 1; i >= 0; i--) {
                    locks[i].unlock();
                }
            }
        }
    }

    static final class PlainBank extends ArrayBank {
        @Override
        void transfer(Worker w) {
            transferBody(w);
        }

        @Override
        void sum(Worker w) {
            sumBody(w);
        }

        @Override
        long total() {
            return totalBody();
        }
    }

    /**
     * The hardware bound ({@link Impls#ATOMICS}): a transfer is two
     * {@code getAndAdd}s on accounts that are objects of their own, as jstm's
     * {@code LongRef}s are, and a sum reads 64 of them one by one. A sum may see
     * a transfer half done, so this is not a correct bank; but every transfer
     * completes both adds, so the total is conserved at rest and the check holds.
     */
    static final class AtomicsBank extends Bank {
        final AtomicLong[] acc = new AtomicLong[ACCOUNTS];

        AtomicsBank() {
            for (int i = 0; i < ACCOUNTS; i++) {
                acc[i] = new AtomicLong(INITIAL_BALANCE);
            }
        }

        @Override
        void transfer(Worker w) {
            w.attempts++;
            acc[w.from].getAndAdd(-w.amount);
            acc[w.to].getAndAdd(w.amount);
        }

        @Override
        void sum(Worker w) {
            w.attempts++;
            long s = 0;
            int start = w.start;
            for (int i = 0; i < SUM_SPAN; i++) {
                s += acc[(start + i) & INDEX_MASK].get();
            }
            w.sum = s;
        }

        @Override
        long total() {
            long s = 0;
            for (AtomicLong a : acc) {
                s += a.get();
            }
            return s;
        }
    }
}
