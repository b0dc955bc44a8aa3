package io.jstm;

import io.jstm.internal.Probes;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine's coarse clock ticks only while transactions run: an idle program
 * has no thread waking a thousand times a second, and an attempt that outlives
 * the ticker's nap is still charged its real time.
 */
class CoarseClockTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theTickerSleepsWhenNoTransactionRunsAndWakesForTheNext() throws Exception {
        LongRef r = LongRef.of(0);
        Stm.atomic(() -> r.set(r.get() + 1));
        Probes.awaitCoarseClockDormant();
        Thread ticker = ticker();
        // It stores DORMANT just before it parks: poll until the park shows.
        long deadline = System.nanoTime() + 10 * SECOND;
        while (ticker.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(Thread.State.WAITING, ticker.getState(), "a dormant ticker parks without a timeout");

        Stm.atomic(() -> r.set(r.get() + 1)); // the beginning attempt wakes it
        assertFalse(Probes.coarseClockDormant());
        long skew = Math.abs(Probes.coarseClockNow() - System.nanoTime());
        assertTrue(skew < SECOND, "a woken clock reads the current time, off by " + skew + " ns");
        Probes.awaitCoarseClockDormant(); // and it naps again
        assertEquals(2, r.get());
    }

    @Test
    void anAttemptThatOutlivesTheNapIsChargedItsRealTime() throws Exception {
        Probes.awaitCoarseClockDormant();
        Stm.resetStatistics();
        LongRef r = LongRef.named("napping", 0);
        // The victim's first attempt sleeps 400 ms after its conflict: the ticker naps meanwhile.
        StatisticsTest.forceOneConflict(r, 400);
        StmStatistics s = Stm.statistics();
        assertEquals(1, s.readInvalidatedAborts(), s.toString());
        assertTrue(s.wastedNanos() >= 400_000_000L, "wasted time measured, not estimated from the re-run: " + s);
    }

    private static Thread ticker() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("jstm-coarse-clock"))
                .findFirst().orElseThrow(() -> new AssertionError("no jstm-coarse-clock thread"));
    }
}
