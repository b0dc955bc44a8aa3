package io.jstm.contention;

import io.jstm.AbortInfo;
import io.jstm.AbortReason;
import io.jstm.LongRef;
import io.jstm.Stm;
import io.jstm.StmStatistics;
import io.jstm.internal.Probes;
import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Commutative updates of a hot counter: transactions that only {@code commute} it never
 * conflict with each other, and every increment lands exactly once; transactions that
 * also read it may conflict, and still every increment lands exactly once.
 */
class HotCounterCommuteTest {
    private static final int THREADS = 8, PER_THREAD = 25_000;

    @Test
    void manyThreadsCommutingOneCounterNeverConflictAndCountExactly() throws Exception {
        LongRef hits = LongRef.named("hits", 0);
        LongRef[] own = new LongRef[THREADS]; // a private ref per thread: the transactions are not trivial
        for (int i = 0; i < THREADS; i++) {
            own[i] = LongRef.of(0);
        }
        AtomicLong worstAttempts = new AtomicLong();

        Stm.resetStatistics();
        long start = System.nanoTime();
        new Workers(ContentionWorkers.LIMIT).start("commuter", THREADS, w -> {
            int[] n = new int[1];
            for (int i = 0; i < PER_THREAD; i++) {
                n[0] = 0;
                Stm.atomic(() -> {
                    n[0]++;
                    own[w].set(own[w].get() + 1);
                    hits.commute(v -> v + 1);
                });
                worstAttempts.accumulateAndGet(n[0], Math::max);
            }
        }).join();
        long millis = (System.nanoTime() - start) / 1_000_000;
        StmStatistics stats = Stm.statistics();

        long expected = (long) THREADS * PER_THREAD;
        System.out.printf("[commute/only] %d threads x %d commuting transactions in %d ms (%.0f commits/s); "
                        + "counter %d (expected %d); worst attempts %d; %s%n",
                THREADS, PER_THREAD, millis, expected * 1000.0 / Math.max(1, millis), hits.get(), expected,
                worstAttempts.get(), stats);
        assertEquals(expected, hits.get(), "every commuted increment landed exactly once");
        for (int i = 0; i < THREADS; i++) {
            assertEquals(PER_THREAD, own[i].get(), "thread " + i + "'s own ref");
        }
        assertEquals(0, stats.conflictAborts(), "commuters of one counter do not conflict: " + stats);
        assertEquals(1, worstAttempts.get(), "no commuting transaction ran twice");
        assertEquals(expected, stats.commits(), "one commit per transaction: " + stats);
    }

    @Test
    void aMinorityThatAlsoReadsTheCounterMayConflictButEveryIncrementLandsOnce() throws Exception {
        LongRef hits = LongRef.named("hits", 0);
        int readEvery = 10; // about one transaction in ten reads the counter before commuting it
        LongAdder readers = new LongAdder(), commuters = new LongAdder();
        AtomicLong worstReader = new AtomicLong(), worstCommuter = new AtomicLong();
        Map<AbortReason, LongAdder> commuterAborts = new ConcurrentHashMap<>();

        Stm.resetStatistics();
        long start = System.nanoTime();
        new Workers(ContentionWorkers.LIMIT).start("mixed", THREADS, w -> {
            SplittableRandom rnd = new SplittableRandom(w);
            int[] n = new int[1];
            long lastSeen = -1;
            for (int i = 0; i < PER_THREAD; i++) {
                boolean reads = rnd.nextInt(readEvery) == 0;
                n[0] = 0;
                long seen = Stm.atomic(() -> {
                    n[0]++;
                    long before = reads ? hits.get() : -1; // a read: the transaction now depends on the value
                    hits.commute(v -> v + 1);
                    if (reads) {
                        long after = hits.get(); // applies the pending commute to the value read
                        assertEquals(before + 1, after, "a read after a commute sees it applied");
                    }
                    return before;
                });
                if (reads) {
                    readers.increment();
                    worstReader.accumulateAndGet(n[0], Math::max);
                    assertTrue(seen > lastSeen, "a thread's reads of the counter increase: " + lastSeen + " then " + seen);
                    lastSeen = seen;
                } else {
                    commuters.increment();
                    worstCommuter.accumulateAndGet(n[0], Math::max);
                    if (n[0] > 1) {
                        // A pure commuter can still lose to an inevitable (escalated) reader that holds the
                        // counter; it must never lose to another commuter or to a plain reader.
                        AbortInfo a = Stm.lastAbortInfo().orElseThrow();
                        commuterAborts.computeIfAbsent(a.reason(), k -> new LongAdder()).increment();
                    }
                }
            }
        }).join();
        long millis = (System.nanoTime() - start) / 1_000_000;
        StmStatistics stats = Stm.statistics();

        long expected = (long) THREADS * PER_THREAD;
        System.out.printf("[commute/mixed] %d threads x %d transactions (%d reading, %d only commuting) in %d ms; "
                        + "counter %d (expected %d); worst attempts: readers %d, commuters %d; commuter aborts by "
                        + "reason %s; %s%n",
                THREADS, PER_THREAD, readers.sum(), commuters.sum(), millis, hits.get(), expected,
                worstReader.get(), worstCommuter.get(), commuterAborts, stats);
        assertEquals(expected, hits.get(), "every increment landed exactly once");
        for (AbortReason r : commuterAborts.keySet()) {
            assertEquals(AbortReason.LOST_TO_INEVITABLE, r,
                    "a transaction that only commutes lost a conflict other than to the inevitable one: " + r);
        }
        int bound = ContentionWorkers.escalateAfter() + 1;
        assertTrue(worstReader.get() <= bound, "a reading transaction needed " + worstReader.get()
                + " attempts; escalation bounds it by " + bound);
        assertTrue(worstCommuter.get() <= bound, "a commuting transaction needed " + worstCommuter.get()
                + " attempts; escalation bounds it by " + bound);
    }

    @Test
    void aCommuteThatCannotTakeItsLockForLongBecomesInevitableAndFinishesWithoutAConflict() throws Exception {
        LongRef held = LongRef.named("held", 0);
        Stm.resetStatistics();
        // A committer that does not let go for long (as one descheduled mid-commit): the commute's
        // committer parks and retries, and after its bounded number of parks it takes the
        // inevitable token and waits to mark the cell, without losing a conflict.
        Probes.lock(held);
        Workers w;
        try {
            w = new Workers().start(1, i -> Stm.atomic(() -> held.commute(x -> x + 1)));
            ContentionWorkers.awaitCondition("the blocked commute becomes inevitable", Probes::anyInevitableRunning);
            assertEquals(0, Stm.statistics().conflictAborts(), "waiting for the lock is not a conflict");
        } finally {
            Probes.unlock(held);
        }
        w.join();
        assertEquals(1, held.get(), "the increment landed once the lock was free");
        StmStatistics st = Stm.statistics();
        assertEquals(0, st.conflictAborts(), st.toString());
        assertEquals(1, st.escalations(), st.toString());
        assertEquals(1, st.inevitableTransactions(), st.toString());
        assertEquals(1, st.commits(), st.toString());
    }

    @Test
    void aCommuteThatMeetsAnInevitableTransactionsMarkWaitsForItWithoutAborting() throws Exception {
        LongRef c = LongRef.named("c", 0);
        CountDownLatch marked = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        Stm.resetStatistics();
        Thread inevitable = new Thread(() -> Stm.atomicInevitable(() -> {
            c.set(c.get() + 10); // marks c until this transaction ends
            marked.countDown();
            try {
                assertTrue(go.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }));
        inevitable.start();
        assertTrue(marked.await(30, TimeUnit.SECONDS));
        AtomicInteger attempts = new AtomicInteger();
        Thread commuter = new Thread(() -> Stm.atomic(() -> {
            attempts.incrementAndGet();
            c.commute(v -> v + 1);
        }));
        commuter.start();
        // At its commit the commute meets the mark and waits for the token (parked in its queue).
        ContentionWorkers.awaitCondition("the commute waits for the inevitable transaction",
                () -> commuter.getState() == Thread.State.WAITING);
        go.countDown();
        inevitable.join(30_000);
        commuter.join(30_000);
        assertFalse(inevitable.isAlive() || commuter.isAlive());
        assertEquals(11, c.get());
        assertEquals(1, attempts.get(), "the commute's block ran once: waiting is not losing");
        StmStatistics st = Stm.statistics();
        assertEquals(0, st.conflictAborts(), st.toString());
    }
}
