package io.jstm.internal;

import io.jstm.TransactionInterruptedException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Parking and wake-up for blocking {@code Stm.retry()}, and fair service of
 * the calls it wakes.
 *
 * <h2>Overview</h2>
 * A transaction that retries rolls back, then waits here until a commit
 * changes one of the cells it read. A waiter summarises its read set as a
 * 256-bit Bloom filter and enqueues itself on each of the {@link #STRIPES}
 * stripes its cells hash to. A committer that saw {@link #waiting} non-zero
 * builds the filter of its write set after it unlocked, and collects the
 * waiters on its stripes whose filter may contain one of its cells (false
 * positives only cause a spurious re-run). Blocked waiters use no CPU: they park.
 *
 * <h2>Fair service: tickets and turns</h2>
 * Each blocking atomic call takes a ticket when it first blocks and keeps it
 * when it blocks again, so a transaction that is woken and loses is not sent
 * to the back of the line. A committer wakes every waiter it found, in ticket
 * order, all at once (so no woken waiter's progress depends on another
 * getting a CPU). Order of service comes from turns: a woken waiter stays
 * listed on its stripes, <em>in service</em>, until its atomic call ends or
 * blocks again ({@link #done}); and a writing commit first waits for its turn
 * ({@link #awaitTurn}): while an older call in service, one that first blocked
 * more than {@link #STARVING_NANOS} ago, may have read a cell the commit would
 * write, the committer parks, and it is unparked when that call is done
 * (calls served sooner race freely: see {@link #STARVING_NANOS}). The woken
 * re-run in parallel; where a younger one's commit would change what such an
 * older one read, the older commits first, and the younger, if the older's
 * commit changed what it read, re-runs (still in
 * service, still in its place) and blocks again if its condition no longer
 * holds. A commit by a call that never blocked (no ticket) is youngest of all,
 * so a newcomer does not take an item from under the woken waiters either
 * (unless the woken call's read set is large: see {@link #PRECISE_BITS}).
 *
 * <p>Bounds keep fairness from costing progress: a commit attempt waits for
 * its turn at most {@link #TURN_NANOS} (an older call descheduled on a busy
 * machine, or blocked outside the STM, is then passed, and the engine counts
 * it); inevitable transactions never wait for a turn (they may hold refs others
 * wait on); a thread never waits behind its own call (its afterRollback hooks
 * may run transactions); and a call that waits outside the STM for the
 * dispatcher's commit order leaves service first ({@link #leaveServiceOf}).
 * Calls in service are counted globally in {@link #serving} and per stripe in
 * {@link #STRIPE_SERVING}: with nobody in service a writing commit pays one
 * volatile read; otherwise it locks only the stripes with a call in service.
 * (Waking only the oldest and handing a baton down the line also gave FIFO
 * order, but as a serial chain of wake-ups its tail was worse on a loaded
 * 2-core machine; see the contention tests.)
 *
 * <p>The hand-over is a CAS on the waiter's {@code owner} field: whoever wins
 * it (the committer waking it, or the waiter leaving on its own) decides
 * whether the call runs, and the winner whose call will run enters it into
 * service ({@link #enterService}) before the call can commit; a committer does
 * so before it unparks the waiter, so a commit that follows the waking commit
 * sees the call in service even while the woken thread waits for a CPU. As a
 * safety net, a parked waiter re-checks what it read every
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
    /** Number of registered, not yet served waiters. Atomic adds; committers read it with a volatile load. */
    private static volatile int waiting;
    private static final VarHandle WAITING;
    /**
     * Number of calls in service (woken or left on their own to run, their
     * atomic call not yet done). Atomic adds ({@link #enterService}, {@link #done});
     * committers read it with a volatile load before locking. A call enters
     * service before the commit that woke it returns, so only a commit that
     * overlaps the waking commit's wake-up phase can miss it: that loosens the
     * order at that instant, never correctness. A waker counts a call before its
     * owner CAS and takes the count back if the CAS fails ({@link #tryWake}), so
     * the count may exceed the calls in service for an instant but never falls
     * below them: a call done early cannot cancel another call's count.
     */
    private static volatile int serving;
    private static final VarHandle SERVING;
    /**
     * Calls in service listed on each stripe (atomic adds, volatile reads; like
     * {@link #serving}, may over-count for an instant, never under-count: only
     * {@code != 0} is ever tested, to skip a stripe without locking it).
     */
    private static final AtomicIntegerArray STRIPE_SERVING = new AtomicIntegerArray(STRIPES);

    static {
        for (int i = 0; i < STRIPES; i++) {
            STRIPE[i] = new Stripe();
        }
        try {
            WAITING = MethodHandles.lookup().findStaticVarHandle(RetryWaiters.class, "waiting", int.class);
            SERVING = MethodHandles.lookup().findStaticVarHandle(RetryWaiters.class, "serving", int.class);
            OWNER = MethodHandles.lookup().findVarHandle(Waiter.class, "owner", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private RetryWaiters() {}

    private static final class Stripe {
        final ReentrantLock lock = new ReentrantLock();
        /** Parked waiters and calls in service (owner non-null), guarded by {@link #lock}. */
        final ArrayDeque<Waiter> queue = new ArrayDeque<>();
        /** Committers parked in {@link #awaitTurn} behind a call in service here, guarded by {@link #lock}. */
        final ArrayList<Thread> turnWaiters = new ArrayList<>();
    }

    static final class Waiter {
        final Thread thread = Thread.currentThread();
        /** Bloom filter of the cells read; written before the entry is queued (published by the stripe lock). */
        final long[] filter = new long[4];
        final long ticket;
        /** {@link System#nanoTime()} when the call first blocked: it has a turn once it waited {@link #STARVING_NANOS}. */
        final long since;
        /**
         * Stripes the entry is queued on; written before it is queued, read by the owner, under
         * stripe locks, and by a waker after the scan that found the entry under one of those locks
         * (which orders the write before the read).
         */
        long stripes;
        /**
         * Its filter is small enough that a commit of a call that never blocked waits
         * for its turn behind it ({@link #PRECISE_BITS}); written before the entry is queued.
         */
        boolean precise;
        /**
         * null while waiting; {@link #WOKEN} once a committer woke it (CAS, then
         * unpark); or {@link #LEFT} once it returned on its own (CAS by the owner).
         * Whoever wins the CAS decides; the owner polls it after each park. Written
         * under no lock; a non-null owner on an entry still in a stripe's queue
         * means "in service" to {@link #awaitTurn}, which reads it under the stripe
         * lock (a volatile read; an entry is removed under that lock). An entry
         * that left on its own and will not run (timeout, interrupt) also looks in
         * service until its owner removes it a moment later: a committer then
         * waits for that removal, which unparks it.
         */
        volatile Object owner;

        Waiter(long ticket, long since) {
            this.ticket = ticket;
            this.since = since;
        }
    }

    private static final Object LEFT = new Object();
    private static final Object WOKEN = new Object();
    private static final VarHandle OWNER;
    private static final AtomicLong TICKETS = new AtomicLong();
    /** Waiters that ran because the safety net found their reads changed, not because a committer woke them (tests). */
    static final AtomicLong MISSED_WAKE_UPS = new AtomicLong();

    /** How often a parked waiter re-checks its reads on its own (the safety net). */
    static final long RECHECK_NANOS = 50_000_000L;
    /**
     * A woken call whose filter has more bits set than this (about 32 distinct
     * cells read) does not make commits of calls that never blocked wait: its
     * filter matches a large part of all cells, and a scan retrying on thousands
     * of refs would otherwise hold up every writer while it re-runs. It still
     * goes before younger woken calls.
     */
    static final int PRECISE_BITS = 64;
    /**
     * A woken call has a turn (younger commits wait for it) only once it has been
     * in line this long since it first blocked. Strict turns for every wake-up
     * cost a context switch per hand-off: a bounded queue with producers and
     * consumers both blocking ran 5 to 10 times slower. Calls served within this
     * time need no protection; calls that wait longer, those a race could starve,
     * are served in order (as Go's mutex turns FIFO once a waiter waited 1 ms).
     */
    static final long STARVING_NANOS = 1_000_000L;
    /** The longest one commit attempt waits for its turn behind older calls in service. */
    static final long TURN_NANOS = 10_000_000L;
    /** Commit attempts that went ahead after {@link #TURN_NANOS} (or an interrupt) with an older call still in service. */
    private static final LongAdder TURNS_PASSED = new LongAdder();

    /** How many commit attempts so far passed an older call in service when their turn's wait ran out. */
    static long turnsPassed() {
        return TURNS_PASSED.sum();
    }

    static long nextTicket() {
        return TICKETS.incrementAndGet();
    }

    static boolean anyWaiting() {
        return waiting != 0;
    }

    /** How many calls are in service now (for tests: 0 once every blocking call has ended). */
    static int servingCount() {
        return serving;
    }

    /** True if some call is in service: a writing commit must then {@link #awaitTurn}. */
    static boolean anyServing() {
        return serving != 0;
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
     * rolled-back attempt read at {@code snapshot}). On return the caller is in
     * service: it re-runs, and must call {@link #done} when its atomic call ends
     * or before it blocks again.
     *
     * @param stale    the attempt read old versions: something already changed, do not wait
     * @param deadline {@link System#nanoTime()} deadline, or {@code Long.MAX_VALUE} for none
     * @param ticket   the caller's place in line ({@link #nextTicket()}, kept across re-blocks)
     * @param since    {@link System#nanoTime()} when the call first blocked (with its ticket)
     * @param previous the caller's entry in service, if it blocks again: done (whatever
     *                 happens here) once the new entry is queued
     * @return the caller's entry, in service; or null if the deadline passed first (not in service)
     * @throws TransactionInterruptedException if interrupted while waiting (interrupt flag stays set; not in service)
     */
    static Waiter await(Cell[] cells, long snapshot, boolean stale, long deadline, long ticket, long since,
                        Waiter previous) {
        Waiter w = null;
        boolean counted = false, served = false;
        try {
            try {
                w = new Waiter(ticket, since);
                for (Cell c : cells) {
                    int h = hash(c);
                    addToFilter(w.filter, h);
                    w.stripes |= 1L << stripeOf(h);
                }
                w.precise = Long.bitCount(w.filter[0]) + Long.bitCount(w.filter[1]) + Long.bitCount(w.filter[2])
                        + Long.bitCount(w.filter[3]) <= PRECISE_BITS;
                WAITING.getAndAdd(1);
                counted = true;
                for (long m = w.stripes; m != 0; m &= m - 1) {
                    Stripe s = STRIPE[Long.numberOfTrailingZeros(m)];
                    s.lock.lock();
                    try {
                        s.queue.addLast(w);
                    } finally {
                        s.lock.unlock();
                    }
                }
            } finally {
                if (previous != null) {
                    done(previous);
                }
            }
            VarHandle.fullFence();
            if (stale || anyChanged(cells, snapshot)) {
                leaveToRun(w);
                served = true;
                return w;
            }
            boolean sawChange = false;
            for (;;) {
                if (w.owner != null) {
                    served = true; // woken: the committer entered it into service
                    return w;
                }
                long park = RECHECK_NANOS;
                if (deadline != Long.MAX_VALUE) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        served = !leave(w); // woken just now: run after all
                        return served ? w : null;
                    }
                    park = Math.min(park, left);
                }
                LockSupport.parkNanos(w, park);
                if (Thread.currentThread().isInterrupted()) {
                    leave(w);
                    throw new TransactionInterruptedException(
                            "interrupted while blocked in Stm.retry(); the transaction was rolled back "
                                    + "and the thread's interrupt flag is still set");
                }
                if (w.owner == null && anyChanged(cells, snapshot)) {
                    // Seen twice, a recheck apart: the wake-up was missed; run. Seen once: the
                    // committer may still be waking the line in ticket order.
                    if (sawChange) {
                        if (leave(w)) {
                            MISSED_WAKE_UPS.incrementAndGet();
                            enterService(w);
                        } // else a committer woke it after all and entered it into service
                        served = true;
                        return w;
                    }
                    sawChange = true;
                }
            }
        } finally {
            if (counted) {
                WAITING.getAndAdd(-1);
            }
            if (w != null && !served) {
                // Decided by CAS, not by a read of owner: a committer that found w in its scan may
                // win its owner CAS after any read of ours, and would then count w in service with
                // nobody left to take it out. Once we leave, its CAS fails.
                if (leave(w) || w.owner != WOKEN) {
                    remove(w);
                } else {
                    done(w); // woken, but will not run (interrupted, or an error): leave service
                }
            }
        }
    }

    /** The waiter leaves on its own; false if a committer woke it first. */
    private static boolean leave(Waiter w) {
        return OWNER.compareAndSet(w, null, LEFT);
    }

    /** The waiter leaves on its own to run (its reads changed): in service either way. */
    private static void leaveToRun(Waiter w) {
        if (leave(w)) {
            enterService(w);
        } // else a committer woke it and entered it into service
    }

    /** Counts {@code w} in service (by whoever won its owner CAS for a call that will run). */
    private static void enterService(Waiter w) {
        SERVING.getAndAdd(1);
        for (long m = w.stripes; m != 0; m &= m - 1) {
            STRIPE_SERVING.getAndIncrement(Long.numberOfTrailingZeros(m));
        }
    }

    /** Takes back what {@link #enterService} counted for {@code w}. */
    private static void leaveServiceCounts(Waiter w) {
        for (long m = w.stripes; m != 0; m &= m - 1) {
            STRIPE_SERVING.getAndDecrement(Long.numberOfTrailingZeros(m));
        }
        SERVING.getAndAdd(-1);
    }

    /** The call is done with {@code w} (it committed, failed, or blocks again): younger commits may go. */
    static void done(Waiter w) {
        try {
            remove(w);
        } finally {
            leaveServiceCounts(w);
        }
    }

    /** Takes {@code w} off its stripes and unparks the committers awaiting their turn there. */
    private static void remove(Waiter w) {
        for (long m = w.stripes; m != 0; m &= m - 1) {
            Stripe s = STRIPE[Long.numberOfTrailingZeros(m)];
            s.lock.lock();
            try {
                s.queue.remove(w);
                for (int i = 0, n = s.turnWaiters.size(); i < n; i++) {
                    LockSupport.unpark(s.turnWaiters.get(i));
                }
            } finally {
                s.lock.unlock();
            }
        }
    }

    /**
     * Before a writing commit locks: waits, at most {@link #TURN_NANOS}, while a
     * call in service with an older ticket than {@code ticket}, on another
     * thread, may have read one of {@code cells[0..n)}. {@code ticket} is the
     * caller's ticket, or {@code Long.MAX_VALUE} for a call that never blocked.
     * Returns at once if the thread is interrupted (the flag is left set for the
     * caller's code to see).
     *
     * <p>No lost unpark: a committer registers in a stripe's turn waiters under
     * the same lock hold in which it saw the older entry, and {@link #remove}
     * unparks the registered ones under that lock, so either the committer sees
     * the entry gone or it is on the list when the entry goes (and its park
     * returns at once). Waiting is bounded, not deadlock-free by construction:
     * an older call may itself wait for a younger one outside the STM (a latch,
     * a future), and the bound then breaks the cycle. The engine's own such wait
     * (the dispatcher's commit order) leaves service first.
     */
    static void awaitTurn(Cell[] cells, int n, long ticket) {
        int[] hashes = new int[n];
        long stripes = 0;
        for (int i = 0; i < n; i++) {
            int h = hash(cells[i]);
            hashes[i] = h;
            int stripe = stripeOf(h);
            if (STRIPE_SERVING.get(stripe) != 0) {
                stripes |= 1L << stripe;
            }
        }
        if (stripes == 0) {
            return;
        }
        Thread me = Thread.currentThread();
        boolean timed = false;
        long deadline = 0;
        long starvedSince = System.nanoTime() - STARVING_NANOS; // calls that first blocked before this have turns
        for (;;) {
            Stripe behind = null;
            for (long m = stripes; m != 0 && behind == null; m &= m - 1) {
                int stripe = Long.numberOfTrailingZeros(m);
                Stripe s = STRIPE[stripe];
                s.lock.lock();
                try {
                    for (Waiter w : s.queue) {
                        if (w.owner != null && w.ticket < ticket && w.since - starvedSince < 0 && w.thread != me
                                && (w.precise || ticket != Long.MAX_VALUE) && readAnyOf(w, hashes, stripe)) {
                            behind = s;
                            s.turnWaiters.add(me);
                            break;
                        }
                    }
                } finally {
                    s.lock.unlock();
                }
            }
            if (behind == null) {
                return;
            }
            long now = System.nanoTime();
            if (!timed) {
                timed = true;
                deadline = now + TURN_NANOS;
            }
            try {
                if (deadline - now <= 0 || me.isInterrupted()) {
                    TURNS_PASSED.increment();
                    return;
                }
                LockSupport.parkNanos(behind, deadline - now);
            } finally {
                behind.lock.lock();
                try {
                    behind.turnWaiters.remove(me);
                } finally {
                    behind.lock.unlock();
                }
            }
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

    /**
     * Wakes, oldest ticket first, the waiters that may have read one of
     * {@code cells[0..n)}, entering each into service before unparking it;
     * called after unlocking.
     */
    static void wake(Cell[] cells, int n) {
        int[] hashes = new int[n];
        long stripes = 0;
        for (int i = 0; i < n; i++) {
            int h = hash(cells[i]);
            hashes[i] = h;
            stripes |= 1L << stripeOf(h);
        }
        ArrayList<Waiter> woken = new ArrayList<>();
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
            tryWake(woken.get(i));
        }
    }

    /**
     * A committer's claim on a waiter its scan found: wakes it into service,
     * unless it was woken or left first. Counted before the CAS and uncounted if
     * the CAS fails: counting after it would let the woken call (which returns as
     * soon as it sees the owner set) finish and uncount first, and a count
     * pushed below zero meanwhile would hide another call's turn from committers.
     *
     * @return true if this call woke {@code w}
     */
    static boolean tryWake(Waiter w) {
        enterService(w);
        if (OWNER.compareAndSet(w, null, WOKEN)) {
            LockSupport.unpark(w.thread);
            return true;
        }
        leaveServiceCounts(w);
        return false;
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
