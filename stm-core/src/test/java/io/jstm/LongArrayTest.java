package io.jstm;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class LongArrayTest {

    @Test
    void getAndSetOutsideATransactionCommitAtOnce() {
        LongArray a = LongArray.ofLength(20);
        assertEquals(20, a.length());
        for (int i = 0; i < 20; i++) {
            assertEquals(0, a.get(i));
        }
        a.set(3, 7);
        a.set(19, -1);
        assertEquals(7, a.get(3));
        assertEquals(-1, a.get(19));
        assertEquals(7, a.getAndAdd(3, 5));
        assertEquals(13, a.addAndGet(3, 1));
        assertEquals(14, a.incrementAndGet(3));
        assertEquals(0, a.get(2));
        assertEquals(0, a.get(4));
    }

    @Test
    void copyOfHoldsTheValuesAndIsIndependentOfTheSource() {
        long[] src = new long[19];
        for (int i = 0; i < src.length; i++) {
            src[i] = i * 10L;
        }
        LongArray a = LongArray.copyOf(src);
        src[5] = -5;
        assertEquals(19, a.length());
        for (int i = 0; i < 19; i++) {
            assertEquals(i * 10L, a.get(i), "element " + i);
        }
        long[] out = a.toArray();
        out[0] = 99;
        assertEquals(0, a.get(0));
        assertEquals(180, a.toArray()[18]);
        assertEquals(0, LongArray.ofLength(0).toArray().length);
    }

    @Test
    void insideATransactionWritesAreBufferedPerElementAndReadBack() {
        LongArray a = LongArray.ofLength(16);
        a.set(1, 100);
        Stm.atomic(() -> {
            a.set(0, 1);
            assertEquals(1, a.get(0));
            assertEquals(100, a.get(1), "an unwritten element of a written stripe reads the committed value");
            a.set(1, a.get(1) + 1);
            a.set(9, 9);
            assertEquals(101, a.get(1));
            assertEquals(9, a.get(9));
        });
        assertArrayEquals(new long[] {1, 101, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0}, a.toArray());
    }

    @Test
    void anExceptionRollsEveryElementBack() {
        LongArray a = LongArray.ofLength(10);
        a.set(2, 2);
        assertThrows(IllegalStateException.class, () -> Stm.atomic(() -> {
            a.set(2, 20);
            a.set(9, 90);
            throw new IllegalStateException("boom");
        }));
        assertEquals(2, a.get(2));
        assertEquals(0, a.get(9));
    }

    @Test
    void aNestedBlockThatThrowsUndoesOnlyItsOwnElementWrites() {
        LongArray a = LongArray.ofLength(8);
        Stm.atomic(() -> {
            a.set(0, 1);
            a.set(1, 1);
            assertThrows(IllegalArgumentException.class, () -> Stm.atomic(() -> {
                a.set(1, 2); // same stripe, written before the nested block: must be restored
                a.set(2, 2);
                assertEquals(2, a.get(1));
                throw new IllegalArgumentException("inner");
            }));
            assertEquals(1, a.get(0));
            assertEquals(1, a.get(1));
            assertEquals(0, a.get(2));
            a.set(3, 3);
        });
        assertArrayEquals(new long[] {1, 1, 0, 3, 0, 0, 0, 0}, a.toArray());
    }

    @Test
    void orElseDiscardsTheRetriedBranchsElementWritesAcrossNestedCheckpoints() {
        LongArray a = LongArray.ofLength(8);
        long result = Stm.atomic(() -> {
            a.set(4, 4);
            return Stm.orElse(() -> {
                a.set(4, 40);
                Stm.atomic(() -> a.set(5, 50)); // a nested checkpoint inside the branch
                a.set(4, 41);
                Stm.retry();
                return -1L;
            }, () -> a.get(4) * 100 + a.get(5));
        });
        assertEquals(400, result);
        assertArrayEquals(new long[] {0, 0, 0, 0, 4, 0, 0, 0}, a.toArray());
    }

    @Test
    void badIndicesThrowAClearExceptionAndChangeNothing() {
        LongArray a = LongArray.named("grid", 9);
        a.set(8, 8);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> a.get(9));
        assertTrue(e.getMessage().contains("grid") && e.getMessage().contains("0 to 8"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> a.set(-1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> Stm.atomic(() -> {
            a.set(0, 5);
            a.getAndAdd(10, 1);
        }));
        assertEquals(0, a.get(0));
        assertEquals(8, a.get(8));
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> LongArray.ofLength(-3));
        assertTrue(neg.getMessage().contains("negative"), neg.getMessage());
        assertThrows(NullPointerException.class, () -> LongArray.named(null, 1));
        assertThrows(NullPointerException.class, () -> LongArray.copyOf(null));
    }

    @Test
    void namesShowTheStripe() {
        LongArray named = LongArray.named("depth", 20);
        assertEquals("depth", named.name());
        assertTrue(LongArray.ofLength(1).name().matches("LongArray#\\d+"));
        assertEquals("LongArray[depth, length 20]", named.toString());
    }

    @Test
    void abortInfoNamesTheStripeOfTheConflict() throws Exception {
        LongArray a = LongArray.named("cells", 24);
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        int[] runs = {0};
        AtomicReference<AbortInfo> info = new AtomicReference<>();
        Thread t = new Thread(() -> {
            Stm.atomic(() -> {
                long v = a.get(17);
                if (runs[0]++ == 0) {
                    read.countDown();
                    await(written);
                }
                a.set(0, v + 1);
            });
            info.set(Stm.lastAbortInfo().orElse(null));
        });
        t.start();
        assertTrue(read.await(10, TimeUnit.SECONDS));
        a.set(22, 5); // same stripe [16..23] as the read of element 17
        written.countDown();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertEquals(2, runs[0]);
        assertEquals(1, a.get(0));
        assertNotNull(info.get());
        assertEquals("cells[16..23]", info.get().refName());
    }

    @Test
    void retryWakesWhenAnElementOfTheReadStripeChanges() throws Exception {
        LongArray a = LongArray.ofLength(8);
        AtomicReference<Long> seen = new AtomicReference<>();
        Thread t = new Thread(() -> seen.set(Stm.atomic(() -> {
            long v = a.get(3);
            if (v == 0) {
                Stm.retry();
            }
            return v;
        })));
        t.start();
        Thread.sleep(50);
        a.set(3, 42);
        t.join(10_000);
        assertFalse(t.isAlive());
        assertEquals(42, seen.get());
    }

    @Test
    void readOnlySnapshotsOfAWholeArrayStayConsistentBesideWriters() throws Exception {
        int n = 64;
        LongArray a = LongArray.ofLength(n);
        for (int i = 0; i < n; i++) {
            a.set(i, 100);
        }
        long expected = 100L * n;
        Stm.resetStatistics();
        Thread writer = new Thread(() -> {
            java.util.Random rnd = new java.util.Random(1);
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            for (int k = 0; k < 200_000 && System.nanoTime() < end; k++) {
                int from = rnd.nextInt(n);
                int to = rnd.nextInt(n);
                Stm.atomic(() -> {
                    a.set(from, a.get(from) - 1);
                    a.set(to, a.get(to) + 1);
                });
            }
        });
        writer.start();
        int sums = 0;
        while (writer.isAlive() && sums < 100_000) {
            long s = Stm.atomic(() -> {
                long total = 0;
                for (int i = 0; i < n; i++) {
                    total += a.get(i);
                }
                return total;
            });
            assertEquals(expected, s);
            sums++;
        }
        writer.join(10_000);
        long total = 0;
        for (long v : a.toArray()) {
            total += v;
        }
        assertEquals(expected, total);
    }

    /**
     * The stripes of an array share one block of values: a commit writes only its
     * stripe's elements, and an older snapshot reads a stripe's old elements
     * (the last, partial one included) from history, all of them and only them.
     */
    @Test
    void stripesShareOneBlockOfValuesAndAnOlderSnapshotReadsEachStripesOldElements() throws Exception {
        int n = 13; // a full stripe [0..7] and a partial one [8..12]
        long[] initial = new long[n];
        for (int i = 0; i < n; i++) {
            initial[i] = 100 + i;
        }
        long[] before = initial.clone();
        LongArray a = LongArray.copyOf(initial);
        CountDownLatch firstRead = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        AtomicReference<long[]> seen = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int[] runs = new int[1];
        Thread reader = new Thread(() -> {
            try {
                seen.set(Stm.atomic(() -> {
                    runs[0]++;
                    long[] out = new long[n];
                    out[0] = a.get(0);
                    firstRead.countDown();
                    await(written);
                    for (int i = 1; i < n; i++) {
                        out[i] = a.get(i);
                    }
                    return out;
                }));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        await(firstRead);
        Stm.atomic(() -> {
            a.set(7, -7);  // last element of the full stripe
            a.set(8, -8);  // first of the partial one
            a.set(12, -12); // last element of the array
        });
        written.countDown();
        reader.join(10_000);
        assertFalse(reader.isAlive());
        assertNull(failure.get(), () -> "the reader failed: " + failure.get());
        assertArrayEquals(before, seen.get(), "the reader's snapshot predates the commit");
        assertEquals(1, runs[0], "a read-only snapshot reads history rather than abort");
        long[] now = a.toArray();
        for (int i = 0; i < n; i++) {
            long expected = i == 7 || i == 8 || i == 12 ? -i : 100 + i;
            assertEquals(expected, now[i], "element " + i);
        }
        assertArrayEquals(before, initial, "copyOf copied: the source array is not the array's storage");
    }

    @Test
    void blindWritesToDifferentElementsOfOneStripeAreAllKept() throws Exception {
        LongArray a = LongArray.ofLength(8);
        int perThread = 20_000;
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            int me = t;
            ts[t] = new Thread(() -> {
                for (int k = 1; k <= perThread; k++) {
                    long v = k;
                    Stm.atomic(() -> a.set(me, v)); // write only: no read of the stripe
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join(30_000);
            assertFalse(t.isAlive());
        }
        for (int t = 0; t < ts.length; t++) {
            assertEquals(perThread, a.get(t), "element " + t);
        }
    }

    @Test
    void concurrentIncrementsOfElementsInSharedStripesLoseNothing() throws Exception {
        LongArray a = LongArray.ofLength(20);
        int perThread = 10_000;
        Thread[] ts = new Thread[2];
        for (int t = 0; t < ts.length; t++) {
            int me = t;
            ts[t] = new Thread(() -> {
                for (int k = 0; k < perThread; k++) {
                    int i = (k * 7 + me) % 20;
                    if ((k & 1) == 0) {
                        Stm.atomic(() -> a.set(i, a.get(i) + 1));
                    } else {
                        a.incrementAndGet(i);
                    }
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join(30_000);
            assertFalse(t.isAlive());
        }
        long total = 0;
        for (long v : a.toArray()) {
            total += v;
        }
        assertEquals(2L * perThread, total);
    }

    @Test
    void anInevitableTransactionReadsAndWritesElements() {
        LongArray a = LongArray.ofLength(12);
        a.set(10, 10);
        Stm.atomicInevitable(() -> {
            assertTrue(Stm.isInevitable());
            a.set(10, a.get(10) + 1);
            a.set(0, a.get(10));
        });
        assertEquals(11, a.get(10));
        assertEquals(11, a.get(0));
        Stm.atomic(() -> {
            a.set(1, 1);
            Stm.becomeInevitable();
            a.set(2, a.get(1) + 1);
        });
        assertEquals(2, a.get(2));
    }

    private static void await(CountDownLatch l) {
        try {
            assertTrue(l.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
