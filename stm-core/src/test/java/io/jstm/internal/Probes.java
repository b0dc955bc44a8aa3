package io.jstm.internal;

import io.jstm.testing.Await;
import java.time.Duration;

/** Test access to engine state that the public API does not show. */
public final class Probes {
    private Probes() {}

    /** Retry waiters that ran because the safety net found a change no committer woke them for. */
    public static long missedWakeUps() {
        return RetryWaiters.MISSED_WAKE_UPS.get();
    }

    public static boolean anyRetryWaiters() {
        return RetryWaiters.anyWaiting();
    }

    /** Commits that stopped waiting for their turn behind an older woken call (see RetryWaiters.awaitTurn). */
    public static long turnsPassed() {
        return RetryWaiters.turnsPassed();
    }

    /** Woken calls still in service (0 once every blocking call has ended). */
    public static int retryCallsInService() {
        return RetryWaiters.servingCount();
    }

    public static boolean anyInevitableRunning() {
        return InevitableToken.isLocked();
    }

    /** True while the coarse clock's ticker sleeps without a timeout (no transaction for about 0.1 s). */
    public static boolean coarseClockDormant() {
        return CoarseClock.isDormant();
    }

    /** Waits (polling, at most 10 s) until the coarse clock's ticker naps; fails the test if it never does. */
    public static void awaitCoarseClockDormant() {
        Await.until("the coarse clock goes dormant", CoarseClock::isDormant, Duration.ofSeconds(10));
    }

    /** Waits (polling, at most 30 s) until some transaction holds the inevitable token; fails the test if none does. */
    public static void awaitInevitableRunning() {
        Await.until("a transaction is inevitable", InevitableToken::isLocked, Duration.ofSeconds(30));
    }

    /** The coarse clock's current reading (wakes a dormant ticker, as a beginning attempt does). */
    public static long coarseClockNow() {
        return CoarseClock.now();
    }

    /**
     * Runs {@code hook} in every tracing committer once it holds the locks of its
     * write set, before it takes its commit version; null removes it. Reset it in
     * a finally block: it is global.
     */
    public static void onTracedCommitLocked(Runnable hook) {
        Transaction.lockedForTests = hook;
    }

    /** Sets how long a traced loser waits for a lock's holder to record itself; returns the previous value. */
    public static long setHolderWaitNanos(long nanos) {
        long old = Transaction.holderWaitNanos;
        Transaction.holderWaitNanos = nanos;
        return old;
    }

    /** Read-set entries the calling thread's running transaction has logged; fails outside one. */
    public static int readSetSize() {
        Transaction tx = Transaction.active();
        if (tx == null) {
            throw new IllegalStateException("Probes.readSetSize() called outside a transaction");
        }
        return tx.readSetSize();
    }

    /** Read-set entries from which a lost conflict escalates the next attempt at once. */
    public static int longReads() {
        return ContentionManager.LONG_READS;
    }

    /** Nodes in {@code c}'s history chain (older versions kept for readers). */
    public static int historyLength(Cell c) {
        return Version.length(c.historyAcquire());
    }

    /** Sets the lock bit of {@code c} as a committer would (test only: must be paired with {@link #unlock}). */
    public static void lock(Cell c) {
        for (;;) {
            long w = c.wordVolatile();
            if (!LockWord.isLocked(w) && !LockWord.isMarked(w) && c.casWord(w, w | LockWord.LOCKED)) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    /** Clears the lock bit set by {@link #lock}. */
    public static void unlock(Cell c) {
        c.setWordRelease(c.wordOpaque() & ~LockWord.LOCKED);
    }

    /** Whether this thread's transaction descriptor still holds a conflict-tracing site map. */
    public static boolean holdsTracingSites() {
        return Transaction.holdsSiteMap();
    }

    /** Refs whose last writer conflict tracing remembers. */
    public static int tracedWriters() {
        return ConflictTracer.recordedWriters();
    }

    /** Lowers (or restores) the number of groups the conflict profiler keeps; returns the old limit. */
    public static int setProfilerGroupLimit(int limit) {
        int old = ConflictProfiler.maxGroups;
        ConflictProfiler.maxGroups = limit;
        return old;
    }

    /** Capacity of the calling thread's undo log (for nested blocks). */
    public static int undoLogCapacity() {
        return Transaction.undoLogCapacity();
    }
}
