package io.jstm.contention;

import io.jstm.testing.Await;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Helpers for the contention tests: their time limit (workers are
 * {@code new Workers(ContentionWorkers.LIMIT)}), bounded waits for a state, what
 * a thread is parked in, busy work, and histograms.
 */
final class ContentionWorkers {
    private ContentionWorkers() {}

    /** Time limit for any one join or wait: generous, only hit when something hangs. */
    static final Duration LIMIT = Duration.ofSeconds(30);

    /** Waits (bounded, yielding) until {@code condition} holds: for observing a state, never for ordering. */
    static void awaitCondition(String what, BooleanSupplier condition) {
        Await.until(what, condition, LIMIT);
    }

    /** True while {@code t} is parked inside a blocking {@code Stm.retry()} (not merely runnable or spinning). */
    static boolean parkedInRetry(Thread t) {
        Object blocker = LockSupport.getBlocker(t);
        Thread.State state = t.getState();
        return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) && blocker != null
                && blocker.getClass().getName().equals("io.jstm.internal.RetryWaiters$Waiter");
    }

    /**
     * Lets every blocked call pass the engine's starvation threshold (1 ms in line):
     * only such calls have turns that younger commits wait for.
     */
    static void waitPastTheStarvationThreshold() throws InterruptedException {
        Thread.sleep(3);
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
