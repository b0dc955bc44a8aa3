package io.jstm;

import io.jstm.internal.Probes;
import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** Inevitable transactions: never abort, one at a time, others keep committing. */
class InevitableTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void aSideEffectAfterBecomeInevitableHappensExactlyOncePerTransaction() throws Exception {
        LongRef x = LongRef.of(0);
        AtomicLong sideEffects = new AtomicLong();
        int threads = 3, per = 2_000;
        new Workers().start(threads, w -> {
            for (int i = 0; i < per; i++) {
                Stm.atomic(() -> {
                    long v = x.get();
                    Stm.becomeInevitable();
                    sideEffects.incrementAndGet(); // "I/O": must not be repeated
                    x.set(v + 1);
                });
            }
        }).join(LIMIT);
        assertEquals(threads * per, x.get());
        assertEquals(threads * per, sideEffects.get());
    }

    @Test
    void twoInevitableTransactionsNeverOverlap() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        LongRef counter = LongRef.of(0);
        new Workers().start(3, w -> {
            for (int i = 0; i < 1_000; i++) {
                Stm.atomic(() -> {
                    counter.set(counter.get() + 1);
                    Stm.becomeInevitable();
                    int n = inside.incrementAndGet();
                    maxInside.accumulateAndGet(n, Math::max);
                    Thread.onSpinWait();
                    inside.decrementAndGet();
                });
            }
        }).join(LIMIT);
        assertEquals(1, maxInside.get());
        assertEquals(3_000, counter.get());
    }

    @Test
    void nonConflictingTransactionsCommitWhileAnInevitableOneRuns() throws Exception {
        LongRef mine = LongRef.of(0);
        LongRef theirs = LongRef.of(0);
        CountDownLatch inevitableRunning = new CountDownLatch(1);
        CountDownLatch otherStarted = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong commitsDuring = new AtomicLong();
        AtomicInteger inevitableAttempts = new AtomicInteger();
        AtomicLong otherCommits = new AtomicLong(); // plain counter: the inevitable block must not read `theirs`
        long windowNanos = TimeUnit.MILLISECONDS.toNanos(200);
        Workers inevitable = new Workers().start(1, w -> Stm.atomicInevitable(() -> {
            inevitableAttempts.incrementAndGet();
            mine.set(mine.get() + 1);
            inevitableRunning.countDown();
            ConcurrencyTest.await(otherStarted);
            // Hold the token for a fixed window and count the other thread's commits meanwhile.
            long before = otherCommits.get();
            long until = System.nanoTime() + windowNanos;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            commitsDuring.set(otherCommits.get() - before);
            assertTrue(Probes.anyInevitableRunning());
        }));
        inevitableRunning.await();
        Workers other = new Workers().start(1, w -> {
            otherStarted.countDown();
            while (!done.get()) {
                Stm.atomic(() -> theirs.set(theirs.get() + 1));
                otherCommits.incrementAndGet();
            }
        });
        inevitable.join(LIMIT);
        done.set(true);
        other.join(LIMIT);
        System.out.println("commits by another thread while the inevitable transaction held the token for 200 ms: "
                + commitsDuring.get());
        assertTrue(commitsDuring.get() >= 100, "only " + commitsDuring.get() + " commits in 200 ms");
        assertEquals(1, inevitableAttempts.get());
        assertEquals(1, mine.get());
        assertEquals(otherCommits.get(), theirs.get());
    }

    @Test
    void transactionsThatConflictWithTheInevitableOneLoseAndItNeverAborts() throws Exception {
        LongRef shared = LongRef.named("shared", 0);
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch otherTried = new CountDownLatch(1);
        AtomicInteger inevitableAttempts = new AtomicInteger();
        AtomicInteger otherAttempts = new AtomicInteger();
        Workers inev = new Workers().start(1, w -> Stm.atomicInevitable(() -> {
            inevitableAttempts.incrementAndGet();
            long v = shared.get();
            read.countDown();
            try {
                otherTried.await(200, TimeUnit.MILLISECONDS); // the other thread is trying to write meanwhile
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            shared.set(v + 1);
        }));
        read.await();
        AtomicLong reasonSeen = new AtomicLong(-1);
        Workers other = new Workers().start(1, w -> {
            Stm.atomic(() -> {
                if (otherAttempts.incrementAndGet() == 1) {
                    otherTried.countDown();
                }
                shared.set(shared.get() + 10);
            });
            Stm.lastAbortInfo().ifPresent(a -> reasonSeen.set(a.reason().ordinal()));
        });
        inev.join(LIMIT);
        other.join(LIMIT);
        assertEquals(1, inevitableAttempts.get(), "the inevitable transaction must never re-run");
        assertEquals(11, shared.get(), "both committed, serialized");
        if (otherAttempts.get() > 1) {
            assertTrue(reasonSeen.get() == AbortReason.LOST_TO_INEVITABLE.ordinal()
                    || reasonSeen.get() == AbortReason.READ_INVALIDATED.ordinal());
        }
    }

    @Test
    void becomingInevitableWithStaleReadsRestartsOnceBeforeTheSideEffect() throws Exception {
        LongRef x = LongRef.named("x", 0);
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger sideEffects = new AtomicInteger();
        AtomicLong seen = new AtomicLong();
        Workers w = new Workers().start(1, i -> Stm.atomic(() -> {
            int a = attempts.incrementAndGet();
            long v = x.get();
            if (a == 1) {
                read.countDown();
                ConcurrencyTest.await(written);
            }
            Stm.becomeInevitable();
            sideEffects.incrementAndGet();
            seen.set(v);
        }));
        read.await();
        x.set(5);
        written.countDown();
        w.join(LIMIT);
        assertEquals(2, attempts.get());
        assertEquals(1, sideEffects.get());
        assertEquals(5, seen.get());
        assertFalse(Probes.anyInevitableRunning());
    }

    @Test
    void anInevitableTransactionThatRetriesReleasesTheTokenWhileItWaits() throws Exception {
        LongRef flag = LongRef.of(0);
        CountDownLatch waiting = new CountDownLatch(1);
        Workers waiter = new Workers().start(1, w -> Stm.atomicInevitable(() -> {
            if (flag.get() == 0) {
                waiting.countDown();
                Stm.retry();
            }
        }));
        waiting.await();
        Thread.sleep(20);
        Stm.atomicInevitable(() -> flag.set(1)); // would deadlock if the waiter kept the token
        waiter.join(LIMIT);
        assertFalse(Probes.anyInevitableRunning());
    }

    @Test
    void outsideWritesWaitForTheInevitableTransactionInsteadOfAbortingIt() throws Exception {
        LongRef r = LongRef.of(0);
        CountDownLatch marked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        Workers inev = new Workers().start(1, w -> Stm.atomicInevitable(() -> {
            attempts.incrementAndGet();
            long v = r.get();
            marked.countDown();
            ConcurrencyTest.await(release);
            r.set(v + 1);
        }));
        marked.await();
        Workers writer = new Workers().start(1, w -> r.set(100)); // blocks until the inevitable one commits
        Thread.sleep(50);
        release.countDown();
        inev.join(LIMIT);
        writer.join(LIMIT);
        assertEquals(1, attempts.get());
        assertEquals(100, r.get(), "the outside write landed after the inevitable commit");
    }

    @Test
    void atomicInevitableReturnsItsResult() {
        LongRef r = LongRef.of(3);
        assertEquals(4L, Stm.atomicInevitable(() -> r.incrementAndGet()));
        assertFalse(Probes.anyInevitableRunning());
    }
}
