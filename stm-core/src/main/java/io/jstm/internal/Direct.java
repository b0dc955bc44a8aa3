package io.jstm.internal;

/**
 * Single-operation access outside a transaction: each call is its own tiny
 * transaction. Reads return the latest committed value (seqlock); writes lock
 * the cell, take a commit version, keep history for registered readers, store,
 * unlock and wake retry waiters, exactly as a one-cell commit does, so they
 * conflict correctly with running transactions: a transaction that read the
 * cell fails validation, one that wants to write it meets the lock.
 */
public final class Direct {
    private Direct() {}

    public static Object readObject(ObjectCell c) {
        for (int round = 0; ; round++) {
            long w1 = c.wordAcquire();
            if (!LockWord.isLocked(w1)) {
                Object v = c.valueAcquire();
                if ((c.wordOpaque() | LockWord.INEVITABLE) == (w1 | LockWord.INEVITABLE)) {
                    return v;
                }
            }
            Backoff.pause(round);
        }
    }

    public static long readLong(LongCell c) {
        for (int round = 0; ; round++) {
            long w1 = c.wordAcquire();
            if (!LockWord.isLocked(w1)) {
                long v = c.valueAcquire();
                if ((c.wordOpaque() | LockWord.INEVITABLE) == (w1 | LockWord.INEVITABLE)) {
                    return v;
                }
            }
            Backoff.pause(round);
        }
    }

    /** The latest committed element {@code i} of an array whose elements are {@code values}, in stripe {@code s}. */
    public static long readElement(LongStripe s, long[] values, int i) {
        assert s.guards(values, i) : "element " + i + " is not in stripe " + s.index;
        for (int round = 0; ; round++) {
            long w1 = s.wordAcquire();
            if (!LockWord.isLocked(w1)) {
                long v = LongStripe.elementAcquire(values, i);
                if ((s.wordOpaque() | LockWord.INEVITABLE) == (w1 | LockWord.INEVITABLE)) {
                    return v;
                }
            }
            Backoff.pause(round);
        }
    }

    /** Atomically sets element {@code k} of {@code s} to {@code x} (or adds {@code x} to it); returns the old value. */
    public static long updateElement(LongStripe s, int k, long x, boolean add) {
        traceWrite(s);
        lock(s);
        long old = s.valueLocked(k);
        long v = add ? old + x : x;
        long t = GlobalClock.tick();
        boolean wake = RetryWaiters.anyWaiting();
        Throwable deferred = null;
        try {
            s.installOne(k, v, t, SnapshotRegistry.oldest());
        } catch (Throwable e) { // out of memory keeping history: write without it, then report
            s.installOne(k, v, t, Long.MAX_VALUE);
            deferred = e;
        }
        afterInstall(s, wake, deferred);
        return old;
    }

    /** Atomically replaces the value; returns the old one. */
    public static Object getAndSetObject(ObjectCell c, Object v) {
        traceWrite(c);
        lock(c);
        Object old = c.valueAcquire();
        installLocked(c, v);
        return old;
    }

    /**
     * Atomically replaces the value unless it is {@code keepA} or {@code keepB}
     * (compared by identity), in which case nothing is written; returns the
     * value found.
     */
    public static Object replaceObjectUnless(ObjectCell c, Object v, Object keepA, Object keepB) {
        traceWrite(c);
        long w = lock(c);
        Object old = c.valueAcquire();
        if (old == keepA || old == keepB) {
            c.setWordRelease(w); // unlock, as it was: nothing changed
            return old;
        }
        installLocked(c, v);
        return old;
    }

    /**
     * Writes {@code v} into {@code c} if it still holds {@code expected} (by
     * identity) as committed at {@code version}, and no committer holds it and no
     * inevitable transaction marked it; otherwise returns false at once. Never
     * waits (for housekeeping that must not stall behind an inevitable
     * transaction).
     */
    public static boolean tryReplaceObject(ObjectCell c, long version, Object expected, Object v) {
        long w = LockWord.of(version);
        // The CAS from exactly that word (unlocked, unmarked) is a full fence, as in lock().
        if (!c.casWord(w, w | LockWord.LOCKED)) {
            return false;
        }
        if (c.valueAcquire() != expected) {
            c.setWordRelease(w); // unlock, as it was: nothing changed
            return false;
        }
        installLocked(c, v);
        return true;
    }

    /**
     * Installs {@code v} into {@code c}, which the caller locked, as a commit of
     * its own: a fresh version, history kept for older readers, the unlock, then
     * the retry waiters woken.
     */
    private static void installLocked(ObjectCell c, Object v) {
        long t = GlobalClock.tick();
        boolean wake = RetryWaiters.anyWaiting();
        Throwable deferred = null;
        try {
            c.install(v, t, SnapshotRegistry.oldest());
        } catch (Throwable e) { // out of memory keeping history: write without it, then report
            c.install(v, t, Long.MAX_VALUE);
            deferred = e;
        }
        afterInstall(c, wake, deferred);
    }

    /** Atomically replaces the value; returns the old one. */
    public static long getAndSetLong(LongCell c, long v) {
        return updateLong(c, v, false);
    }

    /** Atomically adds {@code delta}; returns the old value. */
    public static long getAndAddLong(LongCell c, long delta) {
        return updateLong(c, delta, true);
    }

    private static long updateLong(LongCell c, long x, boolean add) {
        traceWrite(c);
        lock(c);
        long old = c.valueAcquire();
        long v = add ? old + x : x;
        long t = GlobalClock.tick();
        boolean wake = RetryWaiters.anyWaiting();
        Throwable deferred = null;
        try {
            c.install(v, t, SnapshotRegistry.oldest());
        } catch (Throwable e) { // out of memory keeping history: write without it, then report
            c.install(v, t, Long.MAX_VALUE);
            deferred = e;
        }
        afterInstall(c, wake, deferred);
        return old;
    }

    /** Tracing: an outside write is a winner too; remember where it came from (before locking: it allocates). */
    private static void traceWrite(Cell c) {
        if (ConflictTracer.enabled()) {
            ConflictTracer.recordWriter(c, Thread.currentThread().getName() + " (outside a transaction)",
                    ConflictTracer.capture());
        }
    }

    /**
     * After the value is published: wake retry waiters, then report an error met
     * while installing or waking (the write stands either way, as a commit's does;
     * a waiter a failed wake missed still sees the change at its next recheck).
     */
    private static void afterInstall(Cell c, boolean wake, Throwable deferred) {
        if (wake) {
            try {
                RetryWaiters.wake(new Cell[] {c}, 1);
            } catch (Throwable e) {
                if (deferred == null) {
                    deferred = e;
                } else {
                    deferred.addSuppressed(e);
                }
            }
        }
        if (deferred != null) {
            throw Transaction.sneaky(deferred);
        }
    }

    /**
     * Locks {@code c}, waiting out committers and the inevitable transaction
     * (which never loses). The CAS is a full fence: {@link RetryWaiters#anyWaiting()}
     * read after it takes part in the no-lost-wake-up handshake. Returns the
     * word as it was before locking.
     */
    private static long lock(Cell c) {
        for (int round = 0; ; round++) {
            long w = c.wordVolatile();
            if ((w & (LockWord.LOCKED | LockWord.INEVITABLE)) == 0) {
                if (c.casWord(w, w | LockWord.LOCKED)) {
                    return w;
                }
                continue;
            }
            if (LockWord.isMarked(w)) {
                InevitableToken.awaitRelease();
            }
            Backoff.pause(round);
        }
    }
}
