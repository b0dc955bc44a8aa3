package io.jstm.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * A millisecond-grained clock that costs one read: a daemon thread stores
 * {@link System#nanoTime()} into {@link #now} about every {@link #TICK_NANOS}.
 *
 * <h2>Why</h2>
 * {@code System.nanoTime()} costs about as much as a small transaction, so the
 * engine does not call it at every attempt. Instead an attempt notes the coarse
 * time when it begins; if it aborts having spanned at least two ticks, its
 * wasted time is measured ({@code nanoTime()} then), so long attempts (the ones
 * that matter in a profile) are always charged their real cost; shorter ones
 * are estimated from their re-run. Long committed transactions are found the
 * same way for the longest-transaction statistic.
 *
 * <p>The thread is started with the first transaction descriptor, is a daemon,
 * and sleeps between ticks (about a thousand cheap wake-ups a second).
 */
final class CoarseClock {
    static final long TICK_NANOS = 1_000_000L;

    /** Last stored nanoTime. Volatile: written by the ticker only, read by every attempt. */
    private static volatile long now = System.nanoTime();

    static {
        Thread ticker = new Thread(CoarseClock::tick, "jstm-coarse-clock");
        ticker.setDaemon(true);
        ticker.start();
    }

    private CoarseClock() {}

    static long now() {
        return now;
    }

    /** True when an interval from {@code start} (a {@link #now()} value) surely lasted more than one tick. */
    static boolean spansTicks(long start) {
        return now - start >= 2 * TICK_NANOS;
    }

    private static void tick() {
        for (;;) {
            LockSupport.parkNanos(TICK_NANOS);
            now = System.nanoTime();
        }
    }
}
