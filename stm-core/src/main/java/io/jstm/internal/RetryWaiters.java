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
 * unlocked, and collects the waiters on its stripes whose filter may contain
 * one of its cells (false positives only cause a spurious re-run).
 * Blocked waiters use no CPU: they park.
 *
 * <h2>Fair wake-ups: tickets</h2>
 * Each blocking atomic call takes a ticket when it first blocks and keeps it
 * when it blocks again, so a transaction that is woken and loses is not sent
 * to the back of the line. A committer wakes the waiters it found in ticket
 * order, oldest first. (Waking only the oldest and handing a baton down the
 * line gave strict FIFO service, but its serial hand-offs made the tail of
 * waiting times worse on a loaded 2-core machine; see the contention tests.)
 * The hand-over is a CAS on the waiter's {@code owner} field, so a waiter that
 * leaves on its own (timeout, interrupt, change seen) is never counted as
 * woken. As a safety net, a parked waiter re-checks what it read every
 * {@link #RECHECK_NANOS} and runs if it finds it changed on two checks in a row.
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
            OWNER = MethodHandles.lookup().findVarHandle(Waiter.class, "owner", Object.class);
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
        final long ticket;
        long stripes;
        /**
         * null while waiting; {@link #WOKEN} once a committer woke it (CAS, then
         * unpark); or {@link #LEFT} once it returned on its own (CAS by the owner).
         * Whoever wins the CAS decides; the owner polls it after each park.
         */
        volatile Object owner;

        Waiter(long ticket) {
            this.ticket = ticket;
        }
    }

    private static final Object LEFT = new Object();
    private static final Object WOKEN = new Object();
    private static final VarHandle OWNER;
    private static final java.util.concurrent.atomic.AtomicLong TICKETS = new java.util.concurrent.atomic.AtomicLong();
    /** How often a parked waiter re-checks its reads on its own (the safety net). */
    static final long RECHECK_NANOS = 50_000_000L;

    static long nextTicket() {
        return TICKETS.incrementAndGet();
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
     * @param ticket   the caller's place in line ({@link #nextTicket()}, kept across re-blocks)
     * @return false if the deadline passed first
     * @throws TransactionInterruptedException if interrupted while waiting (interrupt flag stays set)
     */
    static boolean await(Cell[] cells, long snapshot, boolean stale, long deadline, long ticket) {
        Waiter w = new Waiter(ticket);
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
                return leave(w, true);
            }
            boolean sawChange = false;
            for (;;) {
                if (w.owner != null) {
                    return true;
                }
                long park = RECHECK_NANOS;
                if (deadline != Long.MAX_VALUE) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return leave(w, false);
                    }
                    park = Math.min(park, left);
                }
                LockSupport.parkNanos(w, park);
                if (Thread.currentThread().isInterrupted()) {
                    leave(w, false);
                    throw new TransactionInterruptedException(
                            "interrupted while blocked in Stm.retry(); the transaction was rolled back "
                                    + "and the thread's interrupt flag is still set");
                }
                if (w.owner == null && anyChanged(cells, snapshot)) {
                    // Seen twice, a recheck apart: the wake-up was missed; run. Seen once: the
                    // committer may still be waking the line in ticket order.
                    if (sawChange) {
                        return leave(w, true);
                    }
                    sawChange = true;
                }
            }
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

    /**
     * The waiter leaves on its own, returning {@code why}, unless a committer
     * woke it first: then it was woken (true).
     */
    private static boolean leave(Waiter w, boolean why) {
        return OWNER.compareAndSet(w, null, LEFT) ? why : true;
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

    /**
     * Wakes, oldest ticket first, the waiters that may have read one of
     * {@code cells[0..n)}; called after unlocking.
     */
    static void wake(Cell[] cells, int n) {
        int[] hashes = new int[n];
        long stripes = 0;
        for (int i = 0; i < n; i++) {
            int h = hash(cells[i]);
            hashes[i] = h;
            stripes |= 1L << stripeOf(h);
        }
        java.util.ArrayList<Waiter> woken = new java.util.ArrayList<>();
        for (long m = stripes; m != 0; m &= m - 1) {
            int stripe = Long.numberOfTrailingZeros(m);
            Stripe s = STRIPE[stripe];
            s.lock.lock();
            try {
                for (Waiter w : s.queue) {
                    if (w.owner == null && readAnyOf(w, hashes, stripe)) {
                        woken.add(w);
                    }
                }
            } finally {
                s.lock.unlock();
            }
        }
        if (woken.isEmpty()) {
            return;
        }
        // A waiter on several stripes appears once per stripe: sort by ticket, drop repeats.
        woken.sort(java.util.Comparator.comparingLong(w -> w.ticket));
        int k = 0;
        for (int i = 0; i < woken.size(); i++) {
            if (k == 0 || woken.get(k - 1) != woken.get(i)) {
                woken.set(k++, woken.get(i));
            }
        }
        for (int i = 0; i < k; i++) {
            Waiter w = woken.get(i);
            if (OWNER.compareAndSet(w, null, WOKEN)) {
                LockSupport.unpark(w.thread);
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
