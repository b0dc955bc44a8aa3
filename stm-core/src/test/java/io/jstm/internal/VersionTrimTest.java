package io.jstm.internal;

import io.jstm.LongRef;
import io.jstm.Stm;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** History trimming ({@link Version#trim}): the chain a walk would leave, without walking on every push. */
class VersionTrimTest {

    /** The trim as a plain walk from the head on every push: the reference. */
    private static void walkTrim(Version head, long oldest) {
        Version v = head;
        while (v != null && v.version > oldest) {
            v = v.older();
        }
        if (v != null && v.older() != null) {
            cut(v);
        }
    }

    private static void cut(Version v) {
        // Not through trim (it is what is under test): set the field itself.
        try {
            java.lang.reflect.Field f = Version.class.getDeclaredField("older");
            f.setAccessible(true);
            f.set(v, null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Long> versions(Version head) {
        List<Long> out = new ArrayList<>();
        for (Version v = head; v != null; v = v.older()) {
            out.add(v.version);
        }
        return out;
    }

    @Test
    void leavesTheChainAWalkFromTheHeadWouldLeave() {
        SplittableRandom rnd = new SplittableRandom(20261124);
        int walked = 0, skipped = 0;
        for (int run = 0; run < 300; run++) {
            Version fast = null, ref = null;
            long valueVersion = 0, clock = 0, oldest = 0;
            for (int step = 0; step < 200; step++) {
                long t = clock += 1 + rnd.nextInt(3); // this commit's version
                switch (rnd.nextInt(12)) {
                    case 0, 1 -> oldest = oldest + rnd.nextLong(Math.max(1, t - oldest)); // readers ended
                    case 2 -> oldest = Math.max(0, oldest - rnd.nextInt(4)); // a new registration's low bound
                    case 3 -> oldest = t + rnd.nextInt(3); // no reader older than the commit
                    default -> oldest = Math.min(oldest, t - 1); // the oldest reader is still there
                }
                if (oldest >= t) {
                    fast = ref = null; // what keepHistory does: drop the chain
                    oldest = t - 1;
                } else {
                    fast = new Version.OfLong(step, valueVersion, fast);
                    if (Version.trim(fast, oldest) == 0) {
                        skipped++;
                    } else {
                        walked++;
                    }
                    ref = new Version.OfLong(step, valueVersion, ref);
                    walkTrim(ref, oldest);
                    assertEquals(versions(ref), versions(fast),
                            "run " + run + ", step " + step + ", oldest " + oldest);
                }
                valueVersion = t;
            }
        }
        assertTrue(walked > 1_000 && skipped > 10_000, "both branches ran: walked " + walked + ", skipped " + skipped);
    }

    @Test
    void pushesBesideAReaderThatKeepsItsSnapshotWalkNothingAndItsEndFreesTheChainInOneWalk() {
        long oldest = 5;
        Version head = null;
        int visited = 0;
        for (int i = 0; i < 10_000; i++) {
            head = new Version.OfLong(i, i == 0 ? 3 : 10 + i, head);
            visited += Version.trim(head, oldest);
        }
        assertEquals(0, visited, "the oldest snapshot did not move: no walk");
        assertEquals(10_000, Version.length(head), "every version newer than the reader's, and the one it reads");
        assertEquals(3, Version.find(head, oldest).version);

        head = new Version.OfLong(-1, 10_010, head);
        visited = Version.trim(head, 5_010);
        assertTrue(visited > 0 && visited <= 5_002, "one walk, down to the new oldest: " + visited);
        assertEquals(5_001, Version.length(head), "nodes newer than 5,010, and the one at 5,010");
        assertEquals(5_010, Version.find(head, 5_010).version);
    }

    /**
     * End to end: a reader holds its snapshot while a pair of hot refs is written
     * thousands of times. It read one of them before the writes, so it cannot
     * extend its snapshot and must read the other from history.
     */
    @Test
    void aReaderThatHoldsItsSnapshotReadsTheOldValueAndItsEndLetsTheHistoryGo() throws Exception {
        LongRef hot = LongRef.of(0);
        LongRef pair = LongRef.of(0);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                seen.set(Stm.atomic(() -> {
                    attempts.incrementAndGet();
                    long p = pair.get();
                    started.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return p * 1_000_000 + hot.get();
                }));
            } catch (Throwable t) {
                seen.set(t);
            }
        }, "long reader");
        reader.start();
        try {
            assertTrue(started.await(30, TimeUnit.SECONDS));
            for (int i = 0; i < 5_000; i++) {
                Stm.atomic(() -> {
                    hot.set(hot.get() + 1);
                    pair.set(pair.get() + 1);
                });
            }
            assertEquals(5_000, Probes.historyLength(hot), "every replaced version is kept for the reader");
            assertEquals(5_000, Probes.historyLength(pair));
        } finally {
            release.countDown();
            reader.join(30_000);
        }
        assertFalse(reader.isAlive());
        assertEquals(0L, seen.get(), "the reader read both refs as of its snapshot (0 and 0), after 5,000 commits");
        assertEquals(1, attempts.get(), "a read-only transaction does not abort");
        Stm.atomic(() -> hot.set(hot.get() + 1));
        assertEquals(0, Probes.historyLength(hot), "with no reader left, the next commit drops the history");
        assertEquals(5_001, hot.get());
    }
}
