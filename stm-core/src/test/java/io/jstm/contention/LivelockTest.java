package io.jstm.contention;

import io.jstm.LongRef;
import io.jstm.Stm;
import io.jstm.StmStatistics;
import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.*;

/**
 * No livelock: transactions that keep invalidating each other still all finish, and
 * within a bounded number of attempts.
 *
 * <p>The bound comes from the engine's escalation: after
 * {@code ContentionManager.ESCALATE_AFTER} consecutive conflict aborts the next
 * attempt runs inevitable from its start, and an inevitable attempt never aborts.
 * No other abort path re-runs a plain block without counting a conflict (explicit
 * retry resets the count, but these blocks never retry). So a block runs at most
 * {@code ESCALATE_AFTER + 1} attempts, which is what the tests assert, counting the
 * attempts inside the block itself. (An attempt with {@code ContentionManager.LONG_READS}
 * read-set entries escalates after one conflict, which only lowers the bound; the long
 * transaction here reads 1,000 refs, below the default 1,024, so it runs under the
 * general rule; {@code LongAttemptEscalationTest} covers the long rule.)
 */
class LivelockTest {
    /** Attempt histogram width; a count this large or larger lands in the last bucket. */
    private static final int BUCKETS = 64;

    @Test
    void twoTransactionsUpdatingTwoRefsInOppositeOrdersAllFinishWithinTheEscalationBound() throws Exception {
        LongRef a = LongRef.named("a", 0), b = LongRef.named("b", 0);
        int threads = 8, rounds = 500;
        long workNanos = 3_000;
        AtomicInteger arrived = new AtomicInteger();
        int bound = ContentionWorkers.escalateAfter() + 1;
        AtomicLongArray attempts = new AtomicLongArray(BUCKETS);
        AtomicLong worst = new AtomicLong();

        Stm.resetStatistics();
        long start = System.nanoTime();
        new Workers(ContentionWorkers.LIMIT).start("opposite", threads, w -> {
            boolean aFirst = (w & 1) == 0;
            LongRef first = aFirst ? a : b, second = aFirst ? b : a;
            int[] n = new int[1];
            for (int i = 0; i < rounds; i++) {
                // Start each round together, so that the transactions overlap even on a loaded machine.
                arrived.incrementAndGet();
                int everyone = (i + 1) * threads;
                ContentionWorkers.awaitCondition("all threads reach round " + i, () -> arrived.get() >= everyone);
                n[0] = 0;
                Stm.atomic(() -> {
                    n[0]++;
                    first.set(first.get() + 1);
                    // Work in between, and a yield: on a machine with fewer free cores than threads the
                    // other order's transaction then runs in the middle of this one.
                    ContentionWorkers.work(workNanos);
                    Thread.yield();
                    second.set(second.get() + 1);
                });
                attempts.incrementAndGet(Math.min(n[0], BUCKETS - 1));
                worst.accumulateAndGet(n[0], Math::max);
            }
        }).join();
        long millis = (System.nanoTime() - start) / 1_000_000;
        StmStatistics stats = Stm.statistics();

        long total = (long) threads * rounds;
        System.out.printf("[livelock/opposite-order] %d transactions on %d threads in %d ms; worst attempts %d "
                        + "(bound %d); attempts histogram %s; %s%n",
                total, threads, millis, worst.get(), bound, histogram(attempts), stats);
        assertEquals(total, a.get(), "every transaction incremented a exactly once");
        assertEquals(total, b.get(), "every transaction incremented b exactly once");
        assertTrue(worst.get() <= bound, "a transaction needed " + worst.get() + " attempts; escalation after "
                + (bound - 1) + " conflicts should bound it by " + bound + "; " + stats);
    }

    @Test
    void aLongReadWriteTransactionFinishesEveryRoundAgainstShortWriters() throws Exception {
        int size = 1_000, hotStride = 10, rounds = 20;
        LongRef[] refs = new LongRef[size];
        for (int i = 0; i < size; i++) {
            refs[i] = LongRef.of(0);
        }
        int bound = ContentionWorkers.escalateAfter() + 1;
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong shortCommits = new AtomicLong();
        int[] roundAttempts = new int[rounds];
        long[] shortDuringRound = new long[rounds];
        long[] roundMicros = new long[rounds];

        Stm.resetStatistics();
        long start = System.nanoTime();
        Workers writers = new Workers(ContentionWorkers.LIMIT).start("short-writer", 2, w -> {
            SplittableRandom rnd = new SplittableRandom(w);
            // Bounded by the long transaction's rounds (done) and, as a safety net, by a count.
            for (int i = 0; i < 50_000_000 && !done.get(); i++) {
                LongRef r = refs[rnd.nextInt(size / hotStride) * hotStride];
                Stm.atomic(() -> r.set(r.get() + 1));
                shortCommits.incrementAndGet();
            }
        });
        try {
            ContentionWorkers.awaitCondition("both short writers commit", () -> shortCommits.get() >= 1_000);
            for (int round = 0; round < rounds; round++) {
                int[] n = new int[1];
                long before = shortCommits.get();
                long t0 = System.nanoTime();
                Stm.atomic(() -> {
                    n[0]++;
                    for (int i = 0; i < size; i++) {
                        refs[i].set(refs[i].get() + 1);
                        ContentionWorkers.work(200); // a long transaction: about 0.2 ms of work per attempt
                        if (i % 100 == 99) {
                            Thread.yield(); // let the short writers in even when cores are scarce
                        }
                    }
                });
                roundMicros[round] = (System.nanoTime() - t0) / 1_000;
                roundAttempts[round] = n[0];
                shortDuringRound[round] = shortCommits.get() - before;
                assertNull(writers.failure(), "a short writer failed");
            }
        } finally {
            done.set(true);
            writers.join();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        StmStatistics stats = Stm.statistics();

        int worst = 0;
        long[] hist = new long[BUCKETS];
        for (int n : roundAttempts) {
            worst = Math.max(worst, n);
            hist[Math.min(n, BUCKETS - 1)]++;
        }
        long sum = 0;
        for (LongRef r : refs) {
            sum += r.get();
        }
        System.out.printf("[livelock/long-vs-short] %d rounds of a %d-ref read-write transaction against 2 short "
                        + "writers on %d refs in %d ms; worst attempts %d (bound %d); attempts per round %s; "
                        + "histogram %s; round times (us) %s; short commits %d (per round %s); %s%n",
                rounds, size, size / hotStride, millis, worst, bound, java.util.Arrays.toString(roundAttempts),
                ContentionWorkers.histogram(hist), java.util.Arrays.toString(roundMicros), shortCommits.get(), java.util.Arrays.toString(shortDuringRound),
                stats);
        assertEquals((long) rounds * size + shortCommits.get(), sum, "no update lost or duplicated");
        assertTrue(worst <= bound, "the long transaction needed " + worst + " attempts; escalation after "
                + (bound - 1) + " conflicts should bound it by " + bound + "; " + stats);
    }

    private static String histogram(AtomicLongArray a) {
        long[] h = new long[a.length()];
        for (int i = 0; i < h.length; i++) {
            h[i] = a.get(i);
        }
        return ContentionWorkers.histogram(h);
    }
}
