package io.jstm.internal;

import io.jstm.TransactionInterruptedException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Parking and wake-up for blocking {@code Stm.retry()}.
 *
 * <h2>Overview</h2>
 * A transaction that retries rolls back, then waits here until a commit
 * changes one of the cells it read. A waiter summarises its read set as a
 * 256-bit Bloom filter and enqueues itself, in FIFO order, on each of the
 * {@link #STRIPES} stripes its cells hash to. A committer that saw
 * {@link #waiting} non-zero builds the filter of its write set after it
 * unlocked, and on each stripe its cells hash to wakes the waiters whose
 * filter intersects it (false positives only cause a spurious re-run).
 * Blocked waiters use no CPU: they park.
 *
 * <h2>No lost wake-up</h2>
 * Waiter: increment {@link #waiting} (atomic), enqueue (stripe lock), full
 * fence, then re-check that every cell it read is still at a version no newer
 * than its snapshot and unlocked; only then park. Committer: lock its cells
 * (CAS), read {@link #waiting}, write back and unlock, then scan the stripes
 * under their locks. If the committer read {@code waiting == 0}, its lock CAS
 * preceded the waiter's re-check, which therefore sees the lock or the new
 * version and does not park. If the committer's stripe scan missed the waiter,
 * the scan preceded the enqueue and so followed the unlock: the re-check sees
 * the new version. Either way the waiter does not sleep through the change.
 */
final class RetryWaiters {
    static final int STRIPES = 64;

    private static final Stripe[] STRIPE = new Stripe[STRIPES];
    /** Number of registered waiters. Atomic adds; committers read it with a volatile load. */
    private static volatile int waiting;
    private static final VarHandle WAITING;

    static {
        for (int i = 0; i < STRIPES; i++) {
            STRIPE[i] = new Stripe();
        }
        try {
            WAITING = MethodHandles.lookup().findStaticVarHandle(RetryWaiters.class, "waiting", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private RetryWaiters() {}

    private static final class Stripe {
        final ReentrantLock lock = new ReentrantLock();
        final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    }

    static final class Waiter {
        final Thread thread = Thread.currentThread();
        final long[] filter = new long[4];
        long stripes;
        /** Set once by a committer (volatile write before unpark); polled by the parked owner. */
        volatile boolean woken;
    }

    static boolean anyWaiting() {
        return waiting != 0;
    }

    static int hash(Cell c) {
        int h = System.identityHashCode(c) * 0x9E3779B9;
        return h ^ (h >>> 15);
    }

    private static void addToFilter(long[] filter, int h) {
        int a = h & 255;
        int b = (h >>> 8) & 255;
        filter[a >>> 6] |= 1L << a;
        filter[b >>> 6] |= 1L << b;
    }

    private static int stripeOf(int h) {
        return (h >>> 20) & (STRIPES - 1);
    }

    /**
     * Waits until a commit may have changed one of {@code cells} (what the
     * rolled-back attempt read at {@code snapshot}).
     *
     * @param stale    the attempt read old versions: something already changed, do not wait
     * @param deadline {@link System#nanoTime()} deadline, or {@code Long.MAX_VALUE} for none
     * @return false if the deadline passed first
     * @throws TransactionInterruptedException if interrupted while waiting (interrupt flag stays set)
     */
    static boolean await(Cell[] cells, long snapshot, boolean stale, long deadline) {
        Waiter w = new Waiter();
        for (Cell c : cells) {
            int h = hash(c);
            addToFilter(w.filter, h);
            w.stripes |= 1L << stripeOf(h);
        }
        WAITING.getAndAdd(1);
        try {
            for (long m = w.stripes; m != 0; m &= m - 1) {
                Stripe s = STRIPE[Long.numberOfTrailingZeros(m)];
                s.lock.lock();
                try {
                    s.queue.addLast(w);
                } finally {
                    s.lock.unlock();
                }
            }
            VarHandle.fullFence();
            if (stale || anyChanged(cells, snapshot)) {
                return true;
            }
            while (!w.woken) {
                if (deadline == Long.MAX_VALUE) {
                    LockSupport.park(w);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    LockSupport.parkNanos(w, left);
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new TransactionInterruptedException(
                            "interrupted while blocked in Stm.retry(); the transaction was rolled back "
                                    + "and the thread's interrupt flag is still set");
                }
            }
            return true;
        } finally {
            for (long m = w.stripes; m != 0; m &= m - 1) {
                Stripe s = STRIPE[Long.numberOfTrailingZeros(m)];
                s.lock.lock();
                try {
                    s.queue.remove(w);
                } finally {
                    s.lock.unlock();
                }
            }
            WAITING.getAndAdd(-1);
        }
    }

    /** True if a cell was written after {@code snapshot} or is being written now. */
    private static boolean anyChanged(Cell[] cells, long snapshot) {
        for (Cell c : cells) {
            long w = c.wordAcquire();
            if (LockWord.isLocked(w) || LockWord.version(w) > snapshot) {
                return true;
            }
        }
        return false;
    }

    /** Wakes the waiters that may have read one of {@code cells[0..n)}; called after unlocking. */
    static void wake(Cell[] cells, int n) {
        int[] hashes = new int[n];
        long stripes = 0;
        for (int i = 0; i < n; i++) {
            int h = hash(cells[i]);
            hashes[i] = h;
            stripes |= 1L << stripeOf(h);
        }
        for (long m = stripes; m != 0; m &= m - 1) {
            int stripe = Long.numberOfTrailingZeros(m);
            Stripe s = STRIPE[stripe];
            s.lock.lock();
            try {
                // FIFO: waiters are woken in the order they blocked.
                for (Waiter w : s.queue) {
                    if (!w.woken && readAnyOf(w, hashes, stripe)) {
                        w.woken = true;
                        LockSupport.unpark(w.thread);
                    }
                }
            } finally {
                s.lock.unlock();
            }
        }
    }

    private static boolean readAnyOf(Waiter w, int[] hashes, int stripe) {
        for (int h : hashes) {
            if (stripeOf(h) == stripe && mayContain(w.filter, h)) {
                return true;
            }
        }
        return false;
    }

    private static boolean mayContain(long[] filter, int h) {
        int a = h & 255;
        int b = (h >>> 8) & 255;
        return (filter[a >>> 6] & (1L << a)) != 0 && (filter[b >>> 6] & (1L << b)) != 0;
    }
}
