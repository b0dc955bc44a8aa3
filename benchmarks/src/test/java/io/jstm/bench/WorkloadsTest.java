package io.jstm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every implementation of every workload, run briefly outside JMH by as many
 * threads as the benchmark uses (2, or 1 for plain), must pass the same check
 * the benchmark runs after each iteration. This is what keeps a broken peer
 * (or a broken jstm) from ever posting a number; here it runs in CI.
 */
class WorkloadsTest {
    private static final int OPS_PER_THREAD = 20_000;

    private static int threadsFor(String impl) {
        return Impls.PLAIN.equals(impl) ? 1 : 2;
    }

    @ParameterizedTest
    @ValueSource(strings = {Impls.JSTM, Impls.SCALA_STM, Impls.MULTIVERSE, Impls.CLOJURE,
            Impls.GLOBAL_LOCK, Impls.FINE_LOCKS, Impls.PLAIN})
    void smallTransactionsLoseNoUpdate(String impl) throws InterruptedException {
        // The state is per thread: each thread runs and checks its own instance.
        run(threadsFor(impl), () -> {
            SmallTxnBench b = new SmallTxnBench();
            b.impl = impl;
            b.setUp();
            return b;
        }, b -> b.t1(), SmallTxnBench::check);
    }

    @ParameterizedTest
    @ValueSource(strings = {Impls.JSTM, Impls.SCALA_STM, Impls.MULTIVERSE, Impls.CLOJURE,
            Impls.GLOBAL_LOCK, Impls.FINE_LOCKS, Impls.PLAIN, Impls.ATOMICS})
    void bankTotalIsConserved(String impl) throws InterruptedException {
        BankBench bench = new BankBench();
        bench.impl = impl;
        bench.init(threadsFor(impl));
        run(threadsFor(impl), BankBench.Worker::new, bench::t1, w -> { });
        bench.checkTotal();
    }

    @ParameterizedTest
    @ValueSource(strings = {Impls.JSTM, HotCounterBench.JSTM_COMMUTE, Impls.SCALA_STM, Impls.MULTIVERSE,
            HotCounterBench.MULTIVERSE_COMMUTE, Impls.CLOJURE, HotCounterBench.CLOJURE_COMMUTE,
            Impls.GLOBAL_LOCK, Impls.PLAIN, Impls.ATOMICS})
    void hotCounterCountsEveryIncrement(String impl) throws InterruptedException {
        HotCounterBench bench = new HotCounterBench();
        bench.impl = impl;
        bench.init(threadsFor(impl));
        run(threadsFor(impl), () -> {
            HotCounterBench.Worker w = new HotCounterBench.Worker();
            w.register(bench);
            return w;
        }, bench::t1, w -> { });
        bench.checkCount();
    }

    @ParameterizedTest
    @ValueSource(strings = {Impls.JSTM, Impls.SCALA_STM, Impls.MULTIVERSE, Impls.CLOJURE,
            Impls.GLOBAL_LOCK, Impls.FINE_LOCKS, Impls.PLAIN})
    void intSetStaysSortedAndSized(String impl) throws InterruptedException {
        IntSetBench bench = new IntSetBench();
        bench.impl = impl;
        bench.init(threadsFor(impl));
        run(threadsFor(impl), () -> {
            IntSetBench.Worker w = new IntSetBench.Worker();
            w.register(bench);
            return w;
        }, bench::t1, w -> { });
        bench.checkSet();
    }

    @ParameterizedTest
    @ValueSource(strings = {Impls.JSTM, Impls.SCALA_STM, Impls.MULTIVERSE, Impls.CLOJURE,
            Impls.GLOBAL_LOCK, RbTreeBench.RW_LOCK, Impls.PLAIN})
    void redBlackTreeStaysValid(String impl) throws InterruptedException {
        RbTreeBench bench = new RbTreeBench();
        bench.impl = impl;
        bench.init(threadsFor(impl));
        run(threadsFor(impl), () -> {
            RbTreeBench.Worker w = new RbTreeBench.Worker();
            w.register(bench);
            return w;
        }, bench::t1, w -> { });
        bench.checkTree();
    }

    @ParameterizedTest
    @ValueSource(strings = {"BankBench", "HotCounterBench", "IntSetBench", "RbTreeBench"})
    void plainCodeRefusesTwoThreads(String workload) {
        Runnable init = switch (workload) {
            case "BankBench" -> () -> plain(new BankBench()).init(2);
            case "HotCounterBench" -> () -> plain(new HotCounterBench()).init(2);
            case "IntSetBench" -> () -> plain(new IntSetBench()).init(2);
            default -> () -> plain(new RbTreeBench()).init(2);
        };
        assertThrows(Impls.SkipTrial.class, init::run);
    }

    /** Three iterations as JMH runs them: the held reader must read its snapshot's pair from history. */
    @ParameterizedTest
    @ValueSource(strings = {HistoryBench.NONE, HistoryBench.HELD})
    void historyReaderSeesItsSnapshotAndTheWriterLosesNothing(String reader) throws InterruptedException {
        HistoryBench bench = new HistoryBench();
        bench.reader = reader;
        for (int iteration = 0; iteration < 3; iteration++) {
            bench.startReader();
            for (int i = 0; i < OPS_PER_THREAD; i++) {
                bench.t1();
            }
            bench.check();
        }
        HistoryBench bad = new HistoryBench();
        bad.reader = "sometimes";
        assertThrows(IllegalArgumentException.class, bad::startReader);
    }

    /** The burst runs (every thread inside a transaction at once), then commits lose nothing. */
    @Test
    void afterABurstCommitsLoseNothing() throws InterruptedException {
        AfterBurstBench bench = new AfterBurstBench();
        bench.burst = 50;
        bench.burst();
        for (int i = 0; i < OPS_PER_THREAD; i++) {
            bench.t1();
        }
        bench.check();
        AfterBurstBench bad = new AfterBurstBench();
        bad.burst = -1;
        assertThrows(IllegalArgumentException.class, bad::burst);
    }

    @Test
    void anUnknownImplementationIsRejected() {
        BankBench bench = new BankBench();
        bench.impl = "nosuchstm";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bench.init(1));
        assertEquals("unknown impl 'nosuchstm'; see the @Param list of the benchmark class", e.getMessage());
    }

    /**
     * Two producers and two consumers through the bounded queue, as the JMH group runs
     * them; once the producers are done the consumers are stopped the way JMH stops them
     * (its Control flag), then the benchmark's own check runs. Every put item is taken
     * once or still queued.
     */
    @ParameterizedTest
    @ValueSource(strings = {Impls.JSTM, BlockingQueueBench.ARRAY_BLOCKING_QUEUE})
    void blockingQueueHandsEveryItemOverOnce(String impl) throws Exception {
        BlockingQueueBench bench = new BlockingQueueBench();
        bench.impl = impl;
        bench.setUp();
        org.openjdk.jmh.infra.Control producers = new org.openjdk.jmh.infra.Control();
        org.openjdk.jmh.infra.Control consumers = new org.openjdk.jmh.infra.Control();
        java.util.concurrent.atomic.AtomicLong put = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong took = new java.util.concurrent.atomic.AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            threads.add(new Thread(() -> {
                try {
                    for (int k = 0; k < OPS_PER_THREAD; k++) {
                        if (bench.put(producers)) {
                            put.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        List<Thread> takers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            takers.add(new Thread(() -> {
                try {
                    while (bench.take(consumers)) {
                        took.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        threads.forEach(Thread::start);
        takers.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(60_000);
        }
        // The consumers drain what is left, then stop.
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (took.get() < put.get() && System.nanoTime() < deadline && failure.get() == null) {
            Thread.sleep(1);
        }
        consumers.stopMeasurement = true;
        for (Thread t : takers) {
            t.join(60_000);
        }
        if (failure.get() != null) {
            throw new AssertionError("a worker failed", failure.get());
        }
        assertEquals(2L * OPS_PER_THREAD, put.get(), "every put got in");
        assertEquals(put.get(), took.get(), "every item taken once");
        bench.check();
    }

    private static <B> B plain(B bench) {
        try {
            bench.getClass().getField("impl").set(bench, Impls.PLAIN);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        return bench;
    }

    /**
     * Runs {@code op} {@link #OPS_PER_THREAD} times on each of {@code threads}
     * threads, each with its own worker, all starting together; then runs
     * {@code after} on each worker in its thread and rethrows the first failure.
     */
    private static <W> void run(int threads, Supplier<W> newWorker, Consumer<W> op, Consumer<W> after)
            throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            W w = newWorker.get();
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < OPS_PER_THREAD; i++) {
                        op.accept(w);
                    }
                    after.accept(w);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "worker-" + t);
            thread.start();
            started.add(thread);
        }
        start.countDown();
        for (Thread thread : started) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a worker failed", failure.get());
        }
    }
}
