package io.jstm.internal;

import io.jstm.LongRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** The service accounting of blocked retries, driven through the engine's own entry points. */
class RetryWaitersTest {

    /**
     * A waiter that fails after it is queued (here a null among its cells, as an
     * OutOfMemoryError or StackOverflowError would in the wild) while a committer
     * keeps waking it: a committer whose scan found the entry may win its owner CAS
     * after the waiter gave up. Whoever wins, nothing may stay counted in service
     * (a stuck count sends every later writing commit down the turn-taking slow path).
     */
    @Test
    @Timeout(60)
    void aWaiterThatFailsWhileACommitterWakesItLeavesNothingInService() throws Exception {
        assertEquals(0, RetryWaiters.servingCount(), "precondition: no call in service");
        LongRef ref = LongRef.of(0);
        Cell[] failing = {ref, null}; // await throws NullPointerException once the entry is queued
        Cell[] written = {ref};
        long snapshot = LockWord.version(((Cell) ref).wordAcquire());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger rounds = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread committer = new Thread(() -> {
            while (!stop.get()) {
                RetryWaiters.wake(written, 1);
            }
        }, "committer");
        Thread waiter = new Thread(() -> {
            long deadline = System.nanoTime() + 2_000_000_000L;
            try {
                while (rounds.get() < 300_000 && System.nanoTime() - deadline < 0) {
                    try {
                        RetryWaiters.await(failing, snapshot, false, Long.MAX_VALUE, RetryWaiters.nextTicket(),
                                System.nanoTime(), null);
                        throw new AssertionError("await returned with a null cell to check");
                    } catch (NullPointerException expected) {
                        rounds.incrementAndGet();
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "waiter");
        committer.start();
        waiter.start();
        try {
            waiter.join(30_000);
        } finally {
            stop.set(true);
            committer.join(30_000);
        }
        assertNull(failure.get(), () -> "waiter failed: " + failure.get());
        assertFalse(waiter.isAlive() || committer.isAlive(), "both threads finished");
        assertTrue(rounds.get() > 1_000, "rounds run: " + rounds.get());
        assertFalse(RetryWaiters.anyWaiting(), "no waiter left registered");
        assertEquals(0, RetryWaiters.servingCount(), "calls left counted in service after " + rounds.get()
                + " failed waits");
    }

    /** A committer that loses the owner CAS (another woke the entry, or its waiter left) counts nothing. */
    @Test
    @Timeout(60)
    void aWakeThatLosesTheOwnerCasCountsNothing() {
        assertEquals(0, RetryWaiters.servingCount(), "precondition: no call in service");
        RetryWaiters.Waiter w = new RetryWaiters.Waiter(RetryWaiters.nextTicket(), System.nanoTime());
        assertTrue(RetryWaiters.tryWake(w), "a waiting entry is woken");
        assertEquals(1, RetryWaiters.servingCount(), "the woken entry is in service");
        assertFalse(RetryWaiters.tryWake(w), "a second waker loses the CAS");
        assertEquals(1, RetryWaiters.servingCount(), "the losing waker took back its count");
        RetryWaiters.done(w);
        assertEquals(0, RetryWaiters.servingCount());
    }
}
