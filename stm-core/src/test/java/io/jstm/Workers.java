package io.jstm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Runs bounded worker loops on platform threads and surfaces the first failure. */
final class Workers {
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    interface Body {
        void run(int worker) throws Exception;
    }

    Workers start(int n, Body body) {
        for (int i = 0; i < n; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                try {
                    body.run(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "worker-" + threads.size());
            threads.add(t);
            t.start();
        }
        return this;
    }

    /** Joins every worker (bounded), then rethrows the first failure. */
    void join(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            t.join(Math.max(1, left / 1_000_000));
            if (t.isAlive()) {
                StringBuilder sb = new StringBuilder("worker did not finish within " + limit + ": " + t.getName());
                for (StackTraceElement e : t.getStackTrace()) {
                    sb.append("\n  at ").append(e);
                }
                for (Thread other : threads) {
                    other.interrupt();
                }
                throw new AssertionError(sb.toString());
            }
        }
        Throwable f = failure.get();
        if (f != null) {
            throw new AssertionError("worker failed: " + f, f);
        }
    }
}
