package io.jstm.dispatch;

import io.jstm.LongRef;
import io.jstm.Stm;
import io.jstm.internal.Transaction;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Makes transactions commit in sequence-number order: the ordered mode of
 * {@link EventDispatcher} and {@link TransactionQueue}.
 *
 * <h2>Overview</h2>
 * Each unit of work (a handler invocation or a task) gets a sequence number
 * 0, 1, 2, ... when a worker takes it from a FIFO intake queue, under the
 * queue's lock, so sequence order is intake order. Units run their bodies in
 * parallel, speculatively; at the end of its atomic block a unit calls
 * {@link #enterTurn}:
 * <ol>
 *   <li><b>Wait, outside the STM.</b> Park until {@link #next} equals the
 *       unit's number: every earlier unit has committed or given up its turn.
 *       The attempt holds no lock while it waits (writes stay buffered until
 *       commit), so earlier units commit freely, and waiting costs no CPU and
 *       no re-run of the body.</li>
 *   <li><b>Confirm, inside the STM.</b> Read {@link #gate} (the number whose
 *       turn it is) and write the next number. The STM itself then enforces the
 *       order: two units cannot both commit having read the same gate value. And
 *       because the unit now writes, its commit validates everything it read,
 *       even for an otherwise read-only body: every unit is serialized at its
 *       commit, after all earlier ones, so the end state (and every value a
 *       unit saw) is that of a serial run in sequence order. If an earlier
 *       commit changed what the body read, reading the gate cannot extend the
 *       snapshot and the attempt re-runs at once; it is its turn now, so that
 *       re-run commits unless a transaction outside this order interferes.</li>
 *   <li><b>Hand on.</b> An after-commit action, registered after the unit's
 *       own, calls {@link #advance}: {@code next = seq + 1}, then unparks the
 *       waiter for {@code seq + 1}. So a unit's after-commit actions finish
 *       before the next unit commits: they too run in sequence order.</li>
 * </ol>
 * A unit whose body throws waits for its turn too before the exception leaves
 * the block ({@link #awaitTurnInAttempt}): the engine then re-runs the block
 * if an earlier unit's commit changed what it read, so an exception stands only
 * if a serial run would have thrown it. A unit whose block failed gives its
 * turn up with {@link #passTurn}.
 *
 * <h2>Inevitable attempts never wait</h2>
 * An inevitable attempt holds the single inevitable token and marks the refs it
 * touched; an earlier unit that wants the token, or writes a marked ref, waits
 * for the token. If the inevitable attempt then waited for that earlier unit,
 * neither would move. So an inevitable attempt that is not at its turn throws
 * {@link #NOT_YOUR_TURN}: the block rolls back (releasing the token), and the
 * runner waits for the turn outside any transaction and runs the unit again.
 *
 * <h2>No deadlock</h2>
 * Workers take units in sequence order and keep each until it committed or
 * passed its turn. So the lowest unfinished number is always held by a running
 * worker, and that unit waits for nobody: it is its turn.
 *
 * <h2>Memory ordering</h2>
 * {@link #next} is volatile and {@link #waiters} slots are read and written
 * with volatile semantics. A waiter publishes itself in its slot, then reads
 * {@code next}; {@link #advance} writes {@code next}, then reads the slot. All
 * four accesses are sequentially consistent, so either the waiter sees the new
 * {@code next} or the advancer sees the waiter (Dekker): no lost wake-up. The
 * units in flight hold consecutive numbers in {@code [next, next + workers)},
 * one per worker, so with at least as many slots as workers no two waiters
 * share a slot; a stray unpark is harmless anyway (waiters re-check).
 */
final class CommitOrder {

    /** Thrown out of an inevitable attempt that reached its end before its turn; never escapes the runner. */
    static final RuntimeException NOT_YOUR_TURN = new NotYourTurn();

    private static final class NotYourTurn extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotYourTurn() {
            super("jstm ordered-commit control signal: not this unit's turn", null, false, false);
        }
    }

    /** The sequence number whose turn it is, as committed state: read and advanced by each unit's transaction. */
    private final LongRef gate;
    /** Mirror of {@link #gate} for waiting outside the STM: units below it have committed or passed. Volatile (see overview). */
    private volatile long next;
    /** The thread waiting for the turn of sequence number {@code s}, in slot {@code s & mask}. */
    private final AtomicReferenceArray<Thread> waiters;
    private final int mask;

    /**
     * @param name       the gate ref's name (shows up in abort info)
     * @param maxWorkers the most units that can be in flight at once
     */
    CommitOrder(String name, int maxWorkers) {
        int size = Integer.highestOneBit(Math.max(1, maxWorkers - 1)) << 1;
        this.waiters = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
        this.gate = LongRef.named(name, 0);
    }

    /**
     * Called at the start of each attempt: an attempt that starts inevitable
     * (escalated after repeated conflicts, or after one for a long attempt) and
     * is not at its turn gives up at once rather than run a body it would have
     * to discard.
     */
    void checkStart(long seq) {
        if (next != seq && attemptIsInevitable()) {
            throw NOT_YOUR_TURN;
        }
    }

    /**
     * Called inside the unit's transaction, after its body: waits for the turn
     * and claims it transactionally (see the overview).
     *
     * @return true if the attempt had to wait for earlier units
     */
    boolean enterTurn(long seq) {
        boolean waited = awaitTurnInAttempt(seq);
        if (gate.get() != seq) {
            // Only an attempt whose snapshot predates the last commits can see an older gate:
            // it read the gate from history (stale) or its reads are invalid, so the retry
            // does not block; the block re-runs at once, now at its turn.
            Stm.retry();
        }
        gate.set(seq + 1);
        return waited;
    }

    /**
     * Inside the unit's transaction (after its body, or when its body threw, so
     * that the engine judges the exception against the earlier commits; see
     * {@link TransactionalTask#run()}): waits for the turn. An inevitable attempt
     * may not wait (see the overview): it gives up with {@link #NOT_YOUR_TURN} and
     * the unit runs again at its turn.
     *
     * @return true if the attempt had to wait for earlier units
     */
    boolean awaitTurnInAttempt(long seq) {
        if (next == seq) {
            return false;
        }
        if (attemptIsInevitable()) {
            throw NOT_YOUR_TURN;
        }
        awaitTurn(seq);
        return true;
    }

    /** Parks (outside the STM's knowledge) until it is {@code seq}'s turn. Uninterruptible; keeps the interrupt flag. */
    void awaitTurn(long seq) {
        if (next == seq) {
            return;
        }
        // A unit woken from its own retry is "in service" (fair wake-ups): were it to stay so while
        // parked here, the earlier unit it waits for would wait for its turn behind it.
        Transaction.beforeOutsideWait();
        int slot = (int) seq & mask;
        Thread me = Thread.currentThread();
        waiters.set(slot, me);
        boolean interrupted = false;
        try {
            while (next != seq) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted = true; // park would return at once while the flag is set
                }
            }
        } finally {
            waiters.compareAndSet(slot, me, null);
            if (interrupted) {
                me.interrupt();
            }
        }
    }

    /** Called after {@code seq} committed (from its after-commit action): the next unit may commit. */
    void advance(long seq) {
        next = seq + 1;
        Thread t = waiters.get((int) (seq + 1) & mask);
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Gives up {@code seq}'s turn for a unit whose block failed (rolled back):
     * waits for the turn outside any transaction, moves the gate past it, and
     * hands on.
     */
    void passTurn(long seq) {
        awaitTurn(seq);
        Stm.atomic(() -> {
            if (gate.get() != seq) {
                Stm.retry(); // cannot happen at our turn; kept as a guard: waits for the gate instead of skipping
            }
            gate.set(seq + 1);
        });
        advance(seq);
    }

    private static boolean attemptIsInevitable() {
        return Stm.isInevitable();
    }
}
