package io.jstm.internal;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The single token an inevitable transaction holds.
 *
 * <h2>Overview</h2>
 * At most one transaction is inevitable at a time. Threads that want the token
 * park in the lock's queue (no spinning, no pinning of virtual threads), and
 * the lock is fair: the token goes to the longest waiter, so no transaction
 * escalated to inevitable waits forever behind later arrivals. A
 * transaction that lost a conflict to the inevitable one waits for the token to
 * be released before it re-runs ({@link #awaitRelease()}), so it does not abort
 * again and again against the same frozen cells.
 */
final class InevitableToken {
    private static final ReentrantLock TOKEN = new ReentrantLock(true);

    private InevitableToken() {}

    static void acquire() {
        TOKEN.lock();
    }

    static void release() {
        TOKEN.unlock();
    }

    /** Blocks until no inevitable transaction runs (it may start again right after). */
    static void awaitRelease() {
        if (TOKEN.isLocked() && !TOKEN.isHeldByCurrentThread()) {
            TOKEN.lock();
            TOKEN.unlock();
        }
    }

    static boolean isLocked() {
        return TOKEN.isLocked();
    }
}
