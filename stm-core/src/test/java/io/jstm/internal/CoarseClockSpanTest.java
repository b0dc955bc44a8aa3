package io.jstm.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link CoarseClock#spansTicks} while the ticker naps: the span is unknown, so
 * it must say "measure it" for any start, including the negative
 * {@code nanoTime()} values the JVM is free to return (the subtraction alone
 * would give a negative span for those).
 */
class CoarseClockSpanTest {

    @Test
    void whileDormantEveryStartCountsAsSpanningTicks() throws Exception {
        Probes.awaitCoarseClockDormant();
        for (long start : new long[] {-1, Long.MIN_VALUE + 1, 0, System.nanoTime()}) {
            assertTrue(CoarseClock.spansTicks(start), "start " + start);
        }
        assertTrue(CoarseClock.isDormant(), "asking does not wake the ticker");
        CoarseClock.now();
        assertFalse(CoarseClock.isDormant(), "now() wakes it");
        // An attempt starting now has spanned nothing: unless this thread is descheduled for two
        // ticks between the two calls (seen under a loaded build), so a few tries are allowed.
        boolean spanned = true;
        for (int i = 0; i < 100 && spanned; i++) {
            spanned = CoarseClock.spansTicks(CoarseClock.now());
        }
        assertFalse(spanned, "an attempt starting now has spanned nothing");
    }

    /** A ticker that cannot start is reported as absent (the clock then reads exact time), not thrown. */
    @Test
    void aTickerThatCannotStartIsAbsentNotAnError() throws Exception {
        Thread started = new Thread(() -> { });
        started.start(); // a second start() throws IllegalThreadStateException, as a failed thread creation throws
        started.join();
        assertNull(CoarseClock.start(started));
        Thread fresh = new Thread(() -> { });
        assertSame(fresh, CoarseClock.start(fresh));
        fresh.join();
        assertTrue(fresh.isDaemon());
        assertNull(fresh.getContextClassLoader());
    }
}
