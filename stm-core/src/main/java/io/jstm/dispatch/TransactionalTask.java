package io.jstm.dispatch;

import io.jstm.AbortInfo;
import io.jstm.Stm;
import io.jstm.internal.TransactionAbort;

import java.util.Optional;

/**
 * One unit of work (a handler invocation or a queued task) run as one
 * transaction, optionally in commit order, with its attempts tallied.
 *
 * <h2>Overview</h2>
 * {@link #execute} runs {@code Stm.atomic(this)}; {@link #run()} is the atomic
 * block: the body, then (ordered mode) the turn taking of {@link CommitOrder},
 * then an after-commit action that records the commit and hands the turn on.
 * It is registered last, so it runs after the body's own after-commit actions,
 * and the engine runs it even if one of those throws: {@link #committed} is
 * therefore exact, and a unit whose commit stood is never given a second,
 * empty turn by {@link CommitOrder#passTurn}.
 *
 * <p>Each attempt after the first looks at {@link Stm#lastAbortInfo()}, which
 * then describes the attempt before it, to count conflicts and explicit retries.
 *
 * <h2>Threading</h2>
 * Created by the thread that accepts the work; every field below is then
 * written and read only by the one worker that took it, after taking it under
 * the intake queue's lock (which publishes the creator's writes).
 */
abstract class TransactionalTask implements Runnable {
    /** Sequence number in ordered mode (assigned when taken), else -1. */
    long seq = -1;
    /** Atomic-block attempts over the whole execution (across re-runs after {@link CommitOrder#NOT_YOUR_TURN}). */
    int attempts;
    /** Attempts rolled back because of a conflict. */
    int conflictAborts;
    /** Attempts ended by {@link Stm#retry()} (the body's own, or a re-run forced by the commit order). */
    int retries;
    /** Attempts that reached their end before their turn and waited for it (ordered mode). */
    int orderWaits;
    /** True once the transaction committed (even if an after-commit action then threw). */
    boolean committed;

    private CommitOrder order;
    /** Attempt number within the current {@code Stm.atomic} call, to match {@link AbortInfo#attempt()}. */
    private int attemptInCall;
    private Runnable onCommit;

    /** The user's code: runs inside the transaction, possibly more than once. */
    abstract void body();

    /**
     * Runs the unit to its end; never throws.
     *
     * @param order the commit order to respect, or null
     * @return null if the transaction committed and every after-commit action
     *         succeeded, else the failure (the block's exception, or an
     *         after-commit action's, in which case {@link #committed} is true)
     */
    final Throwable execute(CommitOrder order) {
        this.order = order;
        for (;;) {
            attemptInCall = 0;
            try {
                Stm.atomic(this);
                return null;
            } catch (Throwable t) {
                if (t == CommitOrder.NOT_YOUR_TURN) {
                    order.awaitTurn(seq);
                    continue;
                }
                if (order != null && !committed) {
                    order.passTurn(seq);
                }
                return t;
            }
        }
    }

    /** The atomic block. Not for callers: use {@link #execute}. */
    @Override
    public final void run() {
        attempts++;
        int n = ++attemptInCall;
        if (n > 1) {
            countAbortOfPreviousAttempt(n - 1);
        }
        CommitOrder o = order;
        if (o != null) {
            o.checkStart(seq);
        }
        try {
            body();
        } catch (Throwable t) {
            if (o != null && !(t instanceof TransactionAbort)) {
                // The body threw before the earlier units committed: what it read may yet change
                // (a withdrawal that failed before the deposit ahead of it). Wait for the turn, so
                // that the engine judges the exception against their commits: it re-runs the block
                // if one of them changed what it read, as a serial run would have seen.
                o.awaitTurnInAttempt(seq);
            }
            throw t;
        }
        if (o != null && o.enterTurn(seq)) {
            orderWaits++;
        }
        if (onCommit == null) {
            onCommit = this::onCommit;
        }
        Stm.afterCommit(onCommit);
    }

    private void onCommit() {
        committed = true;
        if (order != null) {
            order.advance(seq);
        }
    }

    private void countAbortOfPreviousAttempt(int previous) {
        Optional<AbortInfo> info = Stm.lastAbortInfo();
        if (info.isPresent() && info.get().attempt() == previous) {
            if (info.get().reason().isConflict()) {
                conflictAborts++;
            } else {
                retries++;
            }
        }
    }
}
