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

/**
 * A prepared routing that runs a board's routes on worker threads, each taking
 * route indices from one shared counter, in board order, until none are left.
 *
 * <p>The workers (each with its own {@link PathFinder}, about 8 MB on a
 * 600 x 600 board) are built by the router's {@code prepare}, before this
 * object. {@link #run()} starts one thread per worker and waits for all to be
 * ready at a start gate; the clock runs from opening the gate until the last
 * worker ends, so neither allocation nor thread start-up is timed. If a worker
 * throws, the others stop taking routes and the first failure is rethrown.
 *
 * <p>Workers write the path of route {@code i} to {@code paths[i]}; those writes
 * reach {@link #solution()} through {@link Thread#join()}.
 */
abstract class RouteWorkers implements Router.Routing {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final String router;
    private final Board board;
    private final int[][] paths;
    private final List<? extends IntConsumer> workers;
    private boolean started;
    private boolean done;
    private long nanos;
    private long cpuNanos;

    /**
     * @param paths   where the workers store each route's path (null if stuck); one slot per route
     * @param workers one per thread; {@code accept(i)} lays route {@code i}
     */
    RouteWorkers(String router, Board board, int[][] paths, List<? extends IntConsumer> workers) {
        if (workers.isEmpty()) {
            throw new IllegalArgumentException(router + ": a routing needs at least 1 worker thread");
        }
        this.router = router;
        this.board = board;
        this.paths = paths;
        this.workers = List.copyOf(workers);
    }

    /** The final depth grid, by cell; called by {@link #solution()} after the workers ended. */
    abstract int[] finalDepth();

    /** Route attempts that aborted and ran again; 0 unless the router can abort. Called after the workers ended. */
    long reruns() {
        return 0;
    }

    @Override
    public final void run() {
        if (started) {
            throw new IllegalStateException(router + ": this routing has run already; prepare a new one");
        }
        started = true;
        int routes = paths.length;
        AtomicInteger nextRoute = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong cpu = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(workers.size());
        CountDownLatch gate = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (IntConsumer worker : workers) {
            Thread w = new Thread(() -> {
                ready.countDown();
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
            }, "lee-" + router.replace(' ', '-') + "-" + threads.size());
            threads.add(w);
            w.start();
        }
        long start;
        try {
            ready.await();
            start = System.nanoTime();
            gate.countDown();
            for (Thread w : threads) {
                w.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            for (Thread w : threads) {
                w.interrupt();
            }
            throw new IllegalStateException("interrupted while routing", e);
        }
        nanos = System.nanoTime() - start;
        Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException(router + ": a worker failed: " + f, f);
        }
        cpuNanos = CPU.isCurrentThreadCpuTimeSupported() ? cpu.get() : -1;
        done = true;
    }

    @Override
    public final Solution solution() {
        if (!done) {
            throw new IllegalStateException(router + ": no solution, the routing has not run to the end");
        }
        return new Solution(router, workers.size(), board, paths, finalDepth(), nanos, cpuNanos, reruns());
    }

    /** The calling thread's CPU time, or 0 if the JVM cannot measure it. */
    private static long cpuNow() {
        return CPU.isCurrentThreadCpuTimeSupported() ? CPU.getCurrentThreadCpuTime() : 0;
    }
}
