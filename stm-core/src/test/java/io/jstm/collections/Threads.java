package io.jstm.collections;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Runs bounded worker loops on platform threads and surfaces the first failure. */
final class Threads {
    static final Duration LIMIT = Duration.ofSeconds(60);

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    interface Body {
        void run(int worker) throws Exception;
    }

    Threads start(int n, Body body) {
        for (int i = 0; i < n; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                try {
                    body.run(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "collections-worker-" + threads.size());
            threads.add(t);
            t.start();
        }
        return this;
    }

    /** Joins every worker (bounded by {@link #LIMIT}), then rethrows the first failure. */
    void join() throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (t.isAlive()) {
                StringBuilder sb = new StringBuilder("worker did not finish within " + LIMIT + ": " + t.getName());
                for (StackTraceElement e : t.getStackTrace()) {
                    sb.append("\n  at ").append(e);
                }
                threads.forEach(Thread::interrupt);
                throw new AssertionError(sb.toString());
            }
        }
        Throwable f = failure.get();
        if (f != null) {
            throw new AssertionError("worker failed: " + f, f);
        }
    }

    /** Waits (bounded) until {@code t} is parked, e.g. blocked in {@code Stm.retry()}. */
    static void awaitBlocked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline || !t.isAlive()) {
                throw new AssertionError(t.getName() + " did not block; state " + t.getState());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
