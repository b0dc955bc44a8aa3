package io.jstm.examples.lee;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Runs a board's routes on worker threads that take route indices from one
 * shared counter, in board order, until none are left.
 *
 * <p>Each thread first builds its own worker (its {@link PathFinder}, about
 * 8 MB on a 600 x 600 board) and then waits at a start gate; the clock runs
 * from opening the gate until the last worker ends, so allocation and thread
 * start-up are not timed. If a worker throws, the others stop taking routes
 * and the first failure is rethrown.
 */
final class RouteWorkers {
    private RouteWorkers() {}

    /**
     * @param newWorker called once on each worker thread; the consumer it returns lays route {@code index}
     * @return the routing time: wall clock and the workers' CPU time
     */
    static Times run(String name, int threads, int routes, Supplier<IntConsumer> newWorker) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        AtomicInteger nextRoute = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong cpu = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch gate = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                IntConsumer worker;
                try {
                    worker = newWorker.get();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    return;
                } finally {
                    ready.countDown();
                }
                try {
                    gate.await();
                    long cpu0 = cpuNow();
                    for (int i; failure.get() == null && (i = nextRoute.getAndIncrement()) < routes; ) {
                        worker.accept(i);
                    }
                    cpu.addAndGet(cpuNow() - cpu0);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, name + "-" + t);
            workers.add(w);
            w.start();
        }
        long start;
        try {
            ready.await();
            start = System.nanoTime();
            gate.countDown();
            for (Thread w : workers) {
                w.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            for (Thread w : workers) {
                w.interrupt();
            }
            throw new IllegalStateException("interrupted while routing", e);
        }
        long nanos = System.nanoTime() - start;
        Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException(name + ": a worker failed: " + f, f);
        }
        return new Times(nanos, CPU.isCurrentThreadCpuTimeSupported() ? cpu.get() : -1);
    }

    /** Wall-clock and summed worker CPU time of one run, in nanoseconds (cpu -1 if unsupported). */
    record Times(long nanos, long cpuNanos) {}

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    /** The calling thread's CPU time, or 0 if the JVM cannot measure it. */
    static long cpuNow() {
        return CPU.isCurrentThreadCpuTimeSupported() ? CPU.getCurrentThreadCpuTime() : 0;
    }
}
