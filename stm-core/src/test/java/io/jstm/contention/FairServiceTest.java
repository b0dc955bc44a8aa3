package io.jstm.contention;

import io.jstm.LongRef;
import io.jstm.Ref;
import io.jstm.RetryTimeoutException;
import io.jstm.Stm;
import io.jstm.TransactionInterruptedException;
import io.jstm.internal.Probes;
import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fair service of calls woken from {@code retry}: a woken call stays "in service" until
 * its atomic call ends or blocks again, and younger commits that would overwrite what it
 * read wait for it (bounded). These tests check that every way out of a call leaves
 * service (a leaked entry would make later commits wait), that a commit of a call that
 * never blocked waits its turn behind a woken call, and that it does not wait behind a
 * woken call with a large read set. The order of service itself is checked by
 * {@code SantaClausTest}'s mailbox test.
 */
class FairServiceTest {

    /** Starts {@code body} on a thread, waits until it is parked in retry. */
    private static Workers blockedWorker(String name, Workers.Body body) {
        Workers w = new Workers(ContentionWorkers.LIMIT).start(name, 1, body);
        Thread t = w.threads().get(0);
        ContentionWorkers.awaitCondition(name + " blocks in retry", () -> ContentionWorkers.parkedInRetry(t));
        return w;
    }

    private static void assertNobodyInService() {
        assertEquals(0, Probes.retryCallsInService(), "woken calls still in service after every call ended");
    }

    @Test
    void aWokenCallThatThrowsLeavesService() throws Exception {
        LongRef r = LongRef.of(0);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Workers w = blockedWorker("thrower", unused -> {
            try {
                Stm.atomic(() -> {
                    if (r.get() == 0) {
                        Stm.retry();
                    }
                    throw new IllegalStateException("found " + r.get());
                });
            } catch (IllegalStateException e) {
                thrown.set(e);
            }
        });
        r.set(1);
        w.join();
        assertEquals("found 1", thrown.get().getMessage());
        assertNobodyInService();
    }

    @Test
    void aWokenCallThatBlocksAgainThenTimesOutLeavesService() throws Exception {
        LongRef r = LongRef.of(0);
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Workers w = blockedWorker("timeout", unused -> {
            try {
                Stm.atomic(() -> {
                    runs.incrementAndGet();
                    if (r.get() < 2) {
                        Stm.retryFor(Duration.ofMillis(300));
                    }
                });
            } catch (RetryTimeoutException e) {
                thrown.set(e);
            }
        });
        r.set(1); // wakes it; it re-runs, blocks again, and times out
        w.join();
        assertInstanceOf(RetryTimeoutException.class, thrown.get());
        assertTrue(runs.get() >= 2, "the call was woken and re-ran: " + runs.get() + " runs");
        assertNobodyInService();
    }

    @Test
    void aWokenCallInterruptedWhileBlockedAgainLeavesService() throws Exception {
        LongRef r = LongRef.of(0);
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Workers w = blockedWorker("interrupted", unused -> {
            try {
                Stm.atomic(() -> {
                    runs.incrementAndGet();
                    if (r.get() < 2) {
                        Stm.retry();
                    }
                });
            } catch (TransactionInterruptedException e) {
                thrown.set(e);
            }
        });
        r.set(1);
        Thread t = w.threads().get(0);
        ContentionWorkers.awaitCondition("woken, re-run, blocked again",
                () -> runs.get() >= 2 && ContentionWorkers.parkedInRetry(t));
        t.interrupt();
        w.join();
        assertInstanceOf(TransactionInterruptedException.class, thrown.get());
        assertNobodyInService();
    }

    /**
     * A woken call that blocks again runs its afterRollback hook, a transaction writing a
     * ref the call read before it was woken, while the call is still in service: the hook
     * must not wait for its turn behind its own thread's call (no turn wait may run out).
     */
    @Test
    void anAfterRollbackHookRunningTransactionsWhileItsCallIsInServiceDoesNotWaitBehindItsOwnCall() throws Exception {
        LongRef r = LongRef.of(0);
        LongRef x = LongRef.of(0);
        LongRef got = LongRef.of(-1);
        long passedBefore = Probes.turnsPassed();
        Workers w = blockedWorker("hooked", unused -> {
            long v = Stm.atomic(() -> {
                long now = r.get();
                if (now == 0) {
                    x.get(); // read before the wake-up: in the filter of the entry in service
                    Stm.retry();
                }
                if (now == 1) {
                    Stm.afterRollback(() -> Stm.atomic(() -> x.set(x.get() + 1)));
                    Stm.retry(); // blocks again (on r only) and runs the hook meanwhile
                }
                return now;
            });
            got.set(v);
        });
        r.set(1);
        Thread t = w.threads().get(0);
        ContentionWorkers.awaitCondition("blocked again", () -> x.get() >= 1 && ContentionWorkers.parkedInRetry(t));
        r.set(2);
        w.join();
        assertEquals(2, got.get());
        assertEquals(1, x.get());
        assertEquals(0, Probes.turnsPassed() - passedBefore, "a hook waited for its turn behind its own call");
        assertNobodyInService();
    }

    /**
     * A woken call re-runs, aborts on a conflict, and an afterRollback hook throws: the
     * exception ends the call, which must leave service (or every later commit of what it
     * read would wait 10 ms for it).
     */
    @Test
    void aWokenCallEndedByAThrowingRollbackHookAfterAConflictLeavesService() throws Exception {
        LongRef r = LongRef.of(0);
        LongRef other = LongRef.of(0);
        CountDownLatch reRunRead = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Workers w = blockedWorker("conflicted", unused -> {
            try {
                Stm.atomic(() -> {
                    Stm.afterRollback(() -> {
                        if (armed.get()) {
                            throw new IllegalStateException("hook failed");
                        }
                    });
                    long v = r.get();
                    if (v == 0) {
                        Stm.retry();
                    }
                    if (reRunRead.getCount() != 0) {
                        reRunRead.countDown();
                        try {
                            go.await(ContentionWorkers.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    other.set(v); // commit validates the read of r: invalid, so the attempt aborts
                });
            } catch (IllegalStateException e) {
                thrown.set(e);
            }
        });
        r.set(1); // wakes it
        assertTrue(reRunRead.await(ContentionWorkers.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
        armed.set(true);
        r.set(2); // invalidates the re-run's read
        go.countDown();
        w.join();
        assertEquals("hook failed", thrown.get().getMessage());
        assertNobodyInService();
    }

    /**
     * A value put by a single operation outside any transaction wakes a blocked consumer;
     * a transaction that never blocked, run at once by the putting thread, tries to take
     * the value first. The consumer is in service from the moment it is woken (before it
     * even gets a CPU), so the taker waits its turn and finds the mailbox empty. Trials in
     * which the wait ran out prove nothing and are not checked.
     */
    @Test
    void aNewcomerDoesNotTakeAnItemFromUnderAJustWokenConsumer() throws Exception {
        List<String> trials = new ArrayList<>();
        int clean = 0;
        for (int trial = 0; trial < 20; trial++) {
            Ref<String> mailbox = Ref.named("mailbox", null);
            AtomicReference<String> consumed = new AtomicReference<>();
            Workers consumer = blockedWorker("consumer", unused -> consumed.set(Stm.atomic(() -> {
                String v = mailbox.get();
                if (v == null) {
                    Stm.retry();
                }
                mailbox.set(null);
                return v;
            })));
            ContentionWorkers.waitPastTheStarvationThreshold();
            long passedBefore = Probes.turnsPassed();
            mailbox.set("item-" + trial);
            String stolen = Stm.atomic(() -> {
                String v = mailbox.get();
                mailbox.set(null);
                return v;
            });
            if (stolen != null) {
                mailbox.set("replacement"); // let the consumer finish
            }
            consumer.join();
            long passed = Probes.turnsPassed() - passedBefore;
            trials.add((stolen == null ? "consumer" : "newcomer") + (passed == 0 ? "" : " (wait ran out)"));
            if (passed == 0) {
                clean++;
                assertNull(stolen, "a newcomer took the item from under the woken consumer: " + trials);
                assertEquals("item-" + trial, consumed.get());
            }
        }
        System.out.println("[fair-service] newcomer vs just-woken consumer, who got the item: " + trials);
        assertTrue(clean >= 1, "every trial's wait ran out (machine too busy): " + trials);
        assertNobodyInService();
    }

    /**
     * A woken consumer reads the item, then dawdles 5 ms before committing its take; a
     * writer that never blocked overwrites the mailbox meanwhile. Its commit must wait for
     * the consumer's turn, so the consumer takes the item on its first re-run. Without the
     * turn the writer commits at once, the consumer's commit fails validation and its
     * re-run takes the writer's value instead. A trial in which the writer's bounded wait
     * ran out (the consumer not scheduled for 10 ms) proves nothing and is repeated.
     */
    @Test
    void aCommitOfACallThatNeverBlockedWaitsForAnOlderWokenCall() throws Exception {
        List<String> trials = new ArrayList<>();
        int clean = 0;
        for (int trial = 0; trial < 10 && clean < 3; trial++) {
            Ref<String> mailbox = Ref.named("mailbox", null);
            CountDownLatch readIt = new CountDownLatch(1);
            AtomicReference<String> taken = new AtomicReference<>();
            AtomicInteger runs = new AtomicInteger();
            Workers consumer = blockedWorker("consumer", unused -> taken.set(Stm.atomic(() -> {
                runs.incrementAndGet();
                String v = mailbox.get();
                if (v == null) {
                    Stm.retry();
                }
                readIt.countDown();
                ContentionWorkers.work(5_000_000);
                mailbox.set(null);
                return v;
            })));
            ContentionWorkers.waitPastTheStarvationThreshold();
            long passedBefore = Probes.turnsPassed();
            mailbox.set("item");
            assertTrue(readIt.await(ContentionWorkers.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
            Stm.atomic(() -> mailbox.set("overwrite")); // never blocked: youngest of all
            consumer.join();
            long passed = Probes.turnsPassed() - passedBefore;
            trials.add(taken.get() + " in " + runs.get() + " runs" + (passed == 0 ? "" : ", wait ran out"));
            if (passed == 0) {
                clean++;
                assertEquals("item", taken.get(), "the writer went before the woken consumer: " + trials);
                assertEquals("overwrite", mailbox.get(), "the writer's commit came after the consumer's take");
            }
        }
        System.out.println("[fair-service] writer vs woken consumer: " + trials);
        assertTrue(clean >= 1, "every trial's wait ran out (machine too busy): " + trials);
        assertNobodyInService();
    }

    /**
     * A woken scan that read 100 refs (more than the engine's precise limit) does not make
     * a writer that never blocked wait, even for a ref it read; one that read 20 refs does
     * (the scan holds its re-run open until the writer is done, so the writer's wait runs
     * out, which the engine counts).
     */
    @Test
    void aWriterThatNeverBlockedWaitsBehindAWokenSmallScanButNotBehindAScanOfManyRefs() throws Exception {
        assertEquals(0, turnWaitsOfAWriterBehindAWokenScan(100), "the writer waited behind a scan of 100 refs");
        assertEquals(1, turnWaitsOfAWriterBehindAWokenScan(20), "the writer did not wait behind a scan of 20 refs");
        assertNobodyInService();
    }

    /** How many turn waits ran out while a writer that never blocked wrote a ref a woken scan of {@code n} refs read. */
    private static long turnWaitsOfAWriterBehindAWokenScan(int n) throws Exception {
        LongRef[] refs = new LongRef[n];
        for (int i = 0; i < refs.length; i++) {
            refs[i] = LongRef.of(0);
        }
        CountDownLatch scanning = new CountDownLatch(1);
        CountDownLatch writerDone = new CountDownLatch(1);
        Workers scan = blockedWorker("scan", unused -> Stm.atomic(() -> {
            long sum = 0;
            for (LongRef r : refs) {
                sum += r.get();
            }
            if (sum == 0) {
                Stm.retry();
            }
            scanning.countDown();
            try {
                writerDone.await(ContentionWorkers.LIMIT.toMillis(), TimeUnit.MILLISECONDS); // outlives any turn wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        ContentionWorkers.waitPastTheStarvationThreshold();
        refs[0].set(1); // wakes the scan
        assertTrue(scanning.await(ContentionWorkers.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
        long passedBefore = Probes.turnsPassed();
        Stm.atomic(() -> refs[1].set(1)); // a ref the scan read
        long passed = Probes.turnsPassed() - passedBefore;
        writerDone.countDown();
        scan.join();
        return passed;
    }

    /**
     * Ordered commits (TransactionQueue.runOrdered, 3 workers) of tasks that block in
     * {@code retry} until the task two places earlier has committed: a task woken that way
     * re-runs, then waits outside the STM for the task just before it, which writes what
     * the woken one read. The waiting task must have left service, or each such commit
     * waits 10 ms for its turn behind a task that waits for it. Asserted: the result is the
     * serial one, and turn waits ran out for at most 3 tasks (a re-run descheduled for 10 ms
     * can legitimately cost one; without leaving service, runs measured dozens).
     */
    @Test
    void orderedCommitsOfTasksThatRetryDoNotWaitForTheirTurnBehindALaterTask() throws Exception {
        int tasks = 300;
        LongRef state = LongRef.of(-1);
        LongRef blocked = LongRef.of(0);
        io.jstm.dispatch.TransactionQueue q = new io.jstm.dispatch.TransactionQueue();
        for (int i = 0; i < tasks; i++) {
            long me = i;
            q.add(() -> {
                if (state.get() < me - 2) {
                    Stm.afterRollback(() -> Stm.atomic(() -> blocked.set(blocked.get() + 1)));
                    Stm.retry();
                }
                ContentionWorkers.work(100_000); // the task's own work: later tasks block meanwhile
                state.set(me);
            });
        }
        long passedBefore = Probes.turnsPassed();
        long start = System.nanoTime();
        q.runOrdered(3);
        long millis = (System.nanoTime() - start) / 1_000_000;
        long passed = Probes.turnsPassed() - passedBefore;
        System.out.printf("[fair-service] ordered run of %d retrying tasks on 3 workers in %d ms: %d blocked in retry,"
                + " %d turn waits ran out%n", tasks, millis, blocked.get(), passed);
        assertEquals(tasks - 1, state.get());
        assertTrue(passed <= 3, passed + " turn waits ran out in an ordered run of " + tasks + " tasks");
        assertNobodyInService();
    }
}
