package io.jstm.history;

import io.jstm.RetryTimeoutException;
import io.jstm.Stm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Records one thread's transactions, attempt by attempt, while they run.
 *
 * <p>Protocol, for a transaction run with {@code Stm.atomic} ({@link #atomic}
 * follows it):
 * <pre>{@code
 * rec.beginTransaction();                 // before Stm.atomic
 * try {
 *     Stm.atomic(() -> {
 *         Attempt a = rec.beginAttempt(); // first thing in the top-level block
 *         ... a.read(..) / a.write(..) after each access returns ...
 *         a.endBlock();                   // last thing: commute functions that run later run at commit
 *     });
 *     rec.endCommitted();                 // after Stm.atomic returned
 * } catch (Planted e) {
 *     rec.endRolledBack();                // the block's exception escaped: nothing committed
 * }
 * }</pre>
 * The block runs once per attempt, so each run opens a new {@link Attempt}
 * and the previous one of the same transaction is marked
 * {@link Attempt.Outcome#ABORTED} (the engine only re-runs a block after
 * rolling it back). Which attempt committed is not inferred: each attempt
 * registers an {@code afterCommit} hook, and {@link #endCommitted()} requires
 * that exactly the last attempt's hook ran, so the recording's central
 * assumption is itself checked against the engine.
 *
 * <p>Each attempt also registers an {@code afterRollback} hook that records the
 * time: the engine runs it before it begins the next attempt, so it is a safe
 * lower bound for that attempt's start (see {@link Attempt}).
 *
 * <p>Confined to its thread; the list of attempts is read after the thread was joined.
 */
final class HistoryRecorder {

    /** Values written by thread {@code t} are {@code (t + 1) * VALUE_STRIDE + n}, n = 1, 2, ...: unique. */
    static final long VALUE_STRIDE = 1_000_000_000L;

    private final int thread;
    private final List<Attempt> attempts = new ArrayList<>();
    private long txn;
    private int attemptNumber;
    private long nextStart;
    private Attempt current;
    private Attempt committedByHook;
    private long written;

    HistoryRecorder(int thread) {
        this.thread = thread;
    }

    /** The number of the thread this recorder records (0, 1, ...). */
    int thread() {
        return thread;
    }

    /** A value never written before by anyone (values of other threads differ in the stride). */
    long freshValue() {
        return (thread + 1L) * VALUE_STRIDE + ++written;
    }

    /**
     * Runs {@code body} as one recorded transaction, with the protocol above:
     * {@code body} records the accesses of one attempt in the attempt it is
     * given, and runs once per attempt. If {@code throwAtEnd}, every attempt
     * throws {@link Planted} after the body, so the transaction rolls back. A
     * {@link RetryTimeoutException} ({@code Stm.retryFor} gave up) rolls it back too.
     *
     * @param inevitable run it with {@code Stm.atomicInevitable}
     * @return the attempt that committed, or null if the transaction rolled back
     */
    Attempt atomic(boolean inevitable, boolean throwAtEnd, Consumer<Attempt> body) {
        Runnable block = () -> {
            Attempt a = beginAttempt();
            body.accept(a);
            a.endBlock();
            if (throwAtEnd) {
                throw new Planted();
            }
        };
        beginTransaction();
        try {
            if (inevitable) {
                Stm.atomicInevitable(block);
            } else {
                Stm.atomic(block);
            }
            Attempt committed = current;
            endCommitted();
            return committed;
        } catch (Planted | RetryTimeoutException expected) {
            endRolledBack();
            return null;
        }
    }

    /**
     * Runs {@code body} in a block nested in attempt {@code a} ({@code Stm.atomic}
     * inside the running transaction). If {@code throwAtEnd}, the nested block
     * throws {@link Planted} after the body: its writes are discarded, {@code a}
     * records that, and the enclosing block carries on.
     */
    static void nested(Attempt a, boolean throwAtEnd, Runnable body) {
        int mark = a.mark();
        try {
            Stm.atomic(() -> {
                body.run();
                if (throwAtEnd) {
                    throw new Planted();
                }
            });
        } catch (Planted expected) {
            a.undoWritesSince(mark);
        }
    }

    /**
     * {@code Stm.orElse} in attempt {@code a}: if {@code first} calls
     * {@code Stm.retry()}, its writes are discarded, {@code a} records that, and
     * {@code second} runs.
     */
    static void orElse(Attempt a, Runnable first, Runnable second) {
        int mark = a.mark();
        Stm.orElse(() -> {
            first.run();
            return null;
        }, () -> {
            a.undoWritesSince(mark);
            second.run();
            return null;
        });
    }

    /** Starts a transaction: call before {@code Stm.atomic}. */
    void beginTransaction() {
        txn++;
        attemptNumber = 0;
        current = null;
        committedByHook = null;
        nextStart = System.nanoTime();
    }

    /** Opens the next attempt: call first thing in the top-level block, inside the transaction. */
    Attempt beginAttempt() {
        if (current != null) {
            current.finish(Attempt.Outcome.ABORTED);
        }
        Attempt a = new Attempt(thread, txn, ++attemptNumber);
        a.start = nextStart;
        attempts.add(a);
        current = a;
        Stm.afterRollback(() -> {
            long now = System.nanoTime();
            a.end = now;
            nextStart = now;
        });
        Stm.afterCommit(() -> committedByHook = a);
        return a;
    }

    /** {@code Stm.atomic} returned: the last attempt committed. */
    void endCommitted() {
        long now = System.nanoTime();
        Attempt a = current;
        if (a == null || committedByHook != a) {
            throw new IllegalStateException("afterCommit ran for " + describe(committedByHook)
                    + " but the last attempt of the block was " + describe(a)
                    + ": the history cannot say which attempt committed");
        }
        a.end = now;
        a.finish(Attempt.Outcome.COMMITTED);
        current = null;
    }

    /** The block's exception escaped {@code Stm.atomic}: the last attempt rolled back and nothing committed. */
    void endRolledBack() {
        long now = System.nanoTime();
        Attempt a = current;
        if (a == null) {
            throw new IllegalStateException("the transaction failed before its block ran");
        }
        if (committedByHook != null) {
            throw new IllegalStateException("afterCommit ran for " + describe(committedByHook)
                    + " yet the transaction's exception escaped Stm.atomic");
        }
        a.end = Math.max(a.end, now);
        a.finish(Attempt.Outcome.ROLLED_BACK);
        current = null;
    }

    /**
     * Opens a one-op transaction performed outside any transaction (its own
     * tiny transaction, such as {@code Ref.getAndSet} with no transaction
     * running); call {@link #endDirect} after the operation returned.
     */
    Attempt beginDirect() {
        beginTransaction();
        Attempt a = new Attempt(thread, txn, ++attemptNumber);
        a.start = nextStart;
        attempts.add(a);
        return a;
    }

    void endDirect(Attempt a) {
        a.end = System.nanoTime();
        a.finish(Attempt.Outcome.COMMITTED);
    }

    List<Attempt> attempts() {
        return attempts;
    }

    private static String describe(Attempt a) {
        return a == null ? "no attempt" : a.id();
    }
}
