package io.jstm.internal;

import io.jstm.LongRef;
import io.jstm.Stm;
import io.jstm.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/** The snapshot registry's high-water mark: it comes down after a burst, and no registered reader is ever missed. */
class SnapshotRegistryTest {

    /**
     * 600 threads inside read-only transactions at once (more than the 512 slots),
     * then none: committers must go back to scanning a handful of slots, not the
     * burst's peak, for the rest of the JVM's life.
     */
    @Test
    void theScanComesBackDownAfterABurstOfTransactions() throws Exception {
        LongRef x = LongRef.of(0);
        int n = 600;
        CountDownLatch in = new CountDownLatch(n);
        CountDownLatch out = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                try {
                    Stm.atomic(() -> {
                        x.get();
                        in.countDown();
                        try {
                            out.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return x.get();
                    });
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "burst " + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            assertTrue(in.await(60, TimeUnit.SECONDS), "all threads are inside their transactions");
            assertEquals(SnapshotRegistry.CAPACITY, SnapshotRegistry.scanBound(), "every slot taken during the burst");
        } finally {
            out.countDown();
            for (Thread t : threads) {
                t.join(60_000);
            }
        }
        assertNull(failure.get());
        assertTrue(SnapshotRegistry.scanBound() <= SnapshotRegistry.SHRINK_FLOOR,
                "after the burst committers scan " + SnapshotRegistry.scanBound() + " slots");
        Stm.atomic(() -> x.get()); // and the registry still works
        assertTrue(SnapshotRegistry.scanBound() <= SnapshotRegistry.SHRINK_FLOOR);
    }

    /**
     * Many readers, so that slots above the floor are claimed and freed all the
     * time and the mark is raised and shrunk under them, each holding its snapshot
     * while a writer changes the pair it reads: a registered reader that a
     * committer missed would find the old version gone and re-run. None may.
     */
    @Test
    void noReaderIsMissedWhileTheMarkGoesUpAndDown() throws Exception {
        LongRef a = LongRef.of(0);
        LongRef b = LongRef.of(0);
        int readers = 48;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong runs = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                while (!stop.get()) {
                    Stm.atomic(() -> {
                        a.set(a.get() + 1);
                        b.set(b.get() + 1);
                    });
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "writer");
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            int seed = r;
            Thread t = new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                try {
                    for (int k = 0; k < 60 && failure.get() == null; k++) {
                        long[] pair = Stm.atomic(() -> {
                            runs.incrementAndGet();
                            long first = a.get();
                            LockSupport.parkNanos(50_000 + rnd.nextInt(200_000));
                            return new long[] {first, b.get()};
                        });
                        reads.incrementAndGet();
                        if (pair[0] != pair[1]) {
                            throw new AssertionError("torn pair " + pair[0] + ", " + pair[1]);
                        }
                        LockSupport.parkNanos(rnd.nextInt(100_000));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "reader " + r);
            threads.add(t);
        }
        writer.start();
        threads.forEach(Thread::start);
        try {
            for (Thread t : threads) {
                t.join(120_000);
                assertFalse(t.isAlive(), t.getName() + " finished");
            }
        } finally {
            stop.set(true);
            writer.join(60_000);
        }
        assertNull(failure.get());
        assertEquals(reads.get(), runs.get(), "a read-only transaction re-ran: a committer missed its snapshot");
        assertEquals(readers * 60L, reads.get());
    }

    /**
     * A claim while a shrink is under way, in the order that matters: the
     * shrinker's scan has passed the slot (it was free), then a reader claims it.
     * The reader must wait for the shrink and raise the bound over its slot, or
     * committers would miss it.
     */
    @Test
    @Timeout(60)
    void aClaimBehindAShrinkersScanWaitsAndRaisesTheBound() throws Exception {
        int floor = SnapshotRegistry.SHRINK_FLOOR;
        int top = floor + 6, slot = floor + 3;
        assertQuiet();
        Steps steps = new Steps();
        AtomicReference<Object> claimer = new AtomicReference<>();
        Thread t = new Thread(() -> claimer.set(SnapshotRegistry.claimExactly(slot, 0)), "claimer");
        try {
            steps.claim(top - 1);
            int mark = SnapshotRegistry.mark();
            assertEquals(top << 1, mark);
            steps.begin(mark); // a releaser of top-1 starts shrinking ...
            steps.release(top - 1); // ... (the free itself sees the bit and leaves the shrink to it)
            int newTop = SnapshotRegistry.scanTop(mark);
            assertEquals(floor, newTop, "the scan found every slot above the floor free");
            t.start();
            steps.held.add(slot);
            Await.until("the claimer holds its slot", () -> !slotFree(slot), Duration.ofSeconds(30));
            assertNull(claimer.get(), "the claimer waits while the shrink is under way");
            assertEquals(-1, steps.publish(newTop));
            t.join(30_000);
            assertEquals(true, claimer.get());
            assertTrue(SnapshotRegistry.scanBound() > slot, "the claimed slot is covered: bound " + SnapshotRegistry.scanBound());
        } finally {
            steps.cleanUp(t);
        }
        assertTrue(SnapshotRegistry.scanBound() <= floor);
    }

    /**
     * A free while a shrink is under way: the slot under the shrinker's new bound
     * is freed after its scan, and its releaser leaves the shrinking to the holder
     * of the bit, who must go again, or the bound stays up with nothing under it.
     */
    @Test
    @Timeout(60)
    void aFreeBehindAShrinkersScanMakesItGoAgain() throws Exception {
        int floor = SnapshotRegistry.SHRINK_FLOOR;
        int low = floor + 1, high = floor + 3;
        assertQuiet();
        Steps steps = new Steps();
        try {
            steps.claim(low);
            steps.claim(high);
            int mark = SnapshotRegistry.mark();
            assertEquals((high + 1) << 1, mark);
            steps.begin(mark);
            steps.release(high);
            int top = SnapshotRegistry.scanTop(mark);
            assertEquals(low + 1, top, "low is still held");
            steps.release(low); // sees the bit: no shrink of its own
            int again = steps.publish(top);
            assertEquals((low + 1) << 1, again, "the slot under the new bound was freed meanwhile: go again");
            SnapshotRegistry.shrink(again);
            assertTrue(SnapshotRegistry.scanBound() <= floor, "bound " + SnapshotRegistry.scanBound());
        } finally {
            steps.cleanUp(null);
        }
    }

    /** The registry is static: these tests need it idle, and leave it idle whatever happens. */
    private static void assertQuiet() {
        int floor = SnapshotRegistry.SHRINK_FLOOR;
        assertTrue(SnapshotRegistry.mark() <= floor << 1, "the registry is in use: mark " + SnapshotRegistry.mark());
        for (int s = floor; s < floor + 8; s++) {
            assertTrue(slotFree(s), "slot " + s + " is in use");
        }
    }

    /** Registry steps taken by hand, remembered so that a failing test gives back what it took. */
    private static final class Steps {
        final List<Integer> held = new ArrayList<>();
        boolean holdsBit;
        int bitMark;

        void claim(int slot) {
            assertTrue(SnapshotRegistry.claimExactly(slot, 0), "slot " + slot + " is free");
            held.add(slot);
        }

        void release(int slot) {
            held.remove(Integer.valueOf(slot));
            SnapshotRegistry.release(slot);
        }

        void begin(int mark) {
            assertTrue(SnapshotRegistry.beginShrink(mark));
            holdsBit = true;
            bitMark = mark;
        }

        int publish(int top) {
            holdsBit = false;
            return SnapshotRegistry.publishTop(top);
        }

        void cleanUp(Thread other) throws InterruptedException {
            if (holdsBit) {
                SnapshotRegistry.publishTop(bitMark >>> 1); // the mark we began on: never too low
                holdsBit = false;
            }
            if (other != null) {
                other.join(30_000);
            }
            for (int slot : held) {
                if (!slotFree(slot)) {
                    SnapshotRegistry.release(slot);
                }
            }
        }
    }

    private static boolean slotFree(int slot) {
        return SnapshotRegistry.oldestOf(slot) == SnapshotRegistry.FREE;
    }
}
