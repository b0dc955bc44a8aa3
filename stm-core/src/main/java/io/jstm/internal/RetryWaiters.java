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
 * <h2>Fair wake-ups: tickets and a baton</h2>
 * Each blocking atomic call takes a ticket when it first blocks and keeps it
 * when it blocks again, so a transaction that is woken and loses is not sent
 * to the back of the line. A committer sorts the waiters it wakes by ticket
 * into a {@link WakeBatch} and unparks only the oldest; that one holds the
 * batch's baton and passes it to the next waiter when its re-run attempt ends
 * (committed, blocked again, aborted or failed). So waiters woken by one
 * commit get their turn in the order they blocked: the oldest consumer takes
 * the item, and there is no thundering herd. The hand-over is a CAS on the
 * waiter's {@code owner} field (null to batch), so a waiter that leaves on its
 * own (timeout, interrupt, change seen) either never gets the baton or passes
 * it on. As a safety net, a parked waiter re-checks what it read every
 * {@link #RECHECK_NANOS} and runs if it finds it changed on two checks in a
 * row, so a baton that went astray delays the others by at most two periods.
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
         * null while waiting; the {@link WakeBatch} that woke it (CAS by the batch,
         * then unpark); or {@link #LEFT} once it returned on its own (CAS by the
         * owner). Whoever wins the CAS decides; the owner polls it after each park.
         */
        volatile Object owner;

        Waiter(long ticket) {
            this.ticket = ticket;
        }
    }

    private static final Object LEFT = new Object();
    private static final VarHandle OWNER;
    private static final java.util.concurrent.atomic.AtomicLong TICKETS = new java.util.concurrent.atomic.AtomicLong();
    /** How often a parked waiter re-checks its reads on its own (the safety net). */
    static final long RECHECK_NANOS = 50_000_000L;

    /** Returned by {@link #await} when the waiter ran because it saw a change itself (holds no baton). */
    static final WakeBatch CHANGED = new WakeBatch(new Waiter[0]);

    static long nextTicket() {
        return TICKETS.incrementAndGet();
    }

    /**
     * Waiters woken by one commit, oldest ticket first. The baton goes down the
     * list: {@link #passOn()} wakes the next one still waiting.
     */
    static final class WakeBatch {
        private final Waiter[] order;
        private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

        WakeBatch(Waiter[] order) {
            this.order = order;
        }

        /** Hands the baton to the next waiter that is still waiting (skipping those that left or were woken). */
        void passOn() {
            for (;;) {
                int i = next.getAndIncrement();
                if (i >= order.length) {
                    return;
                }
                Waiter w = order[i];
                if (OWNER.compareAndSet(w, null, this)) {
                    LockSupport.unpark(w.thread);
                    return;
                }
            }
        }
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
     * @return the batch whose baton the caller now holds (pass it on when the re-run ends),
     *         {@link #CHANGED} if it saw the change itself, or null if the deadline passed first
     * @throws TransactionInterruptedException if interrupted while waiting (interrupt flag stays set)
     */
    static WakeBatch await(Cell[] cells, long snapshot, boolean stale, long deadline, long ticket) {
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
                return leave(w, CHANGED);
            }
            boolean sawChange = false;
            for (;;) {
                Object o = w.owner;
                if (o != null) {
                    return (WakeBatch) o;
                }
                long park = RECHECK_NANOS;
                if (deadline != Long.MAX_VALUE) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return leave(w, null);
                    }
                    park = Math.min(park, left);
                }
                LockSupport.parkNanos(w, park);
                if (Thread.currentThread().isInterrupted()) {
                    WakeBatch held = leave(w, null);
                    if (held != null) {
                        held.passOn(); // woken at the same time: the next in line must not wait for us
                    }
                    throw new TransactionInterruptedException(
                            "interrupted while blocked in Stm.retry(); the transaction was rolled back "
                                    + "and the thread's interrupt flag is still set");
                }
                if (w.owner == null && anyChanged(cells, snapshot)) {
                    // Seen twice, a recheck apart: no batch is coming for us (a baton holder had
                    // RECHECK_NANOS to act); run. Seen once: give the line its turn first.
                    if (sawChange) {
                        return leave(w, CHANGED);
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
     * The waiter leaves on its own, returning {@code why}, unless a batch woke
     * it first: then it returns that batch (it holds the baton).
     */
    private static WakeBatch leave(Waiter w, WakeBatch why) {
        if (OWNER.compareAndSet(w, null, LEFT)) {
            return why;
        }
        return (WakeBatch) w.owner;
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
     * Wakes, oldest ticket first and one at a time (see {@link WakeBatch}), the
     * waiters that may have read one of {@code cells[0..n)}; called after unlocking.
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
        new WakeBatch(woken.subList(0, k).toArray(new Waiter[0])).passOn();
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
