package io.jstm.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bounded worker threads for the concurrency tests: starts named platform
 * threads (daemons, so a hung worker cannot keep the test JVM alive), joins them
 * within a time limit (dumping the stack of a straggler and interrupting the
 * rest), and rethrows the first failure.
 */
public final class Workers {
    /** The default limit for {@link #join()}: generous, only reached when something hangs. */
    public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(60);

    private final Duration limit;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** A worker body; {@code worker} numbers the threads of one {@code start} call from 0. */
    public interface Body {
        void run(int worker) throws Exception;
    }

    public Workers() {
        this(DEFAULT_LIMIT);
    }

    /** Workers that {@link #join()} waits for at most {@code limit}. */
    public Workers(Duration limit) {
        this.limit = limit;
    }

    /** Starts {@code n} threads named {@code worker-<k>} ({@code k} counting every thread started here). */
    public Workers start(int n, Body body) {
        for (int i = 0; i < n; i++) {
            launch("worker-" + threads.size(), i, body);
        }
        return this;
    }

    /** Starts {@code n} threads named {@code name-0 .. name-(n-1)}, each running {@code body}. */
    public Workers start(String name, int n, Body body) {
        for (int i = 0; i < n; i++) {
            launch(name + "-" + i, i, body);
        }
        return this;
    }

    private void launch(String name, int id, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run(id);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    public List<Thread> threads() {
        return threads;
    }

    /** The first failure of any worker so far, or null. */
    public Throwable failure() {
        return failure.get();
    }

    /** Joins every worker within this instance's limit, then rethrows the first failure. */
    public void join() throws InterruptedException {
        join(limit);
    }

    /** Joins every worker within {@code limit}, then rethrows the first failure. */
    public void join(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (t.isAlive()) {
                StringBuilder sb = new StringBuilder("worker did not finish within " + limit + ": " + t.getName());
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
}
