package io.jstm.contention;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Bounded worker threads for the contention tests: starts named platform
 * threads, joins them within a time limit (dumping the stack of any straggler
 * and interrupting the rest), and rethrows the first failure.
 */
final class ContentionWorkers {
    /** Time limit for any one join or wait: generous, only hit when something hangs. */
    static final Duration LIMIT = Duration.ofSeconds(30);

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    interface Body {
        void run(int worker) throws Exception;
    }

    /** Starts {@code n} threads named {@code name-0 .. name-(n-1)}, each running {@code body}. */
    ContentionWorkers start(String name, int n, Body body) {
        for (int i = 0; i < n; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                try {
                    body.run(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, name + "-" + i);
            t.setDaemon(true); // a hung worker must not keep the test JVM alive
            threads.add(t);
            t.start();
        }
        return this;
    }

    List<Thread> threads() {
        return threads;
    }

    /** The first failure of any worker so far, or null. */
    Throwable failure() {
        return failure.get();
    }

    /** Joins every worker within {@link #LIMIT}, then rethrows the first failure. */
    void join() throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            t.join(Math.max(1, left / 1_000_000));
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

    /** Waits (bounded, yielding) until {@code condition} holds: for observing a state, never for ordering. */
    static void awaitCondition(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + LIMIT + " waiting until " + what);
            }
            Thread.yield();
        }
    }

    /** True while {@code t} is parked inside a blocking {@code Stm.retry()} (not merely runnable or spinning). */
    static boolean parkedInRetry(Thread t) {
        Object blocker = LockSupport.getBlocker(t);
        Thread.State state = t.getState();
        return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) && blocker != null
                && blocker.getClass().getName().equals("io.jstm.internal.RetryWaiters$Waiter");
    }

    /** Busy work of about {@code nanos}, to widen the window between two accesses of a transaction. */
    static void work(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    /**
     * The engine's escalation threshold (consecutive conflict aborts after which an attempt
     * runs inevitable), read from {@code io.jstm.internal.ContentionManager.ESCALATE_AFTER} so
     * that the tests follow {@code -Djstm.escalateAfter} and any change of the default.
     */
    static int escalateAfter() {
        try {
            java.lang.reflect.Field f = Class.forName("io.jstm.internal.ContentionManager")
                    .getDeclaredField("ESCALATE_AFTER");
            f.setAccessible(true);
            return f.getInt(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read ContentionManager.ESCALATE_AFTER; update the contention tests", e);
        }
    }

    /** "value:count" pairs of a histogram, smallest value first, skipping empty buckets. */
    static String histogram(long[] counts) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(i).append(':').append(counts[i]);
            }
        }
        return sb.append('}').toString();
    }
}
