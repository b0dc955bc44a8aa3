package io.jstm;

import io.jstm.internal.ConflictProfiler;
import io.jstm.internal.ConflictTracer;
import io.jstm.internal.Statistics;
import io.jstm.internal.Transaction;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Atomic blocks and transaction control.
 *
 * <pre>{@code
 * Ref<Integer> from = Ref.of(100), to = Ref.of(0);
 * Stm.atomic(() -> {
 *     from.set(from.get() - 10);
 *     to.set(to.get() + 10);
 * });
 * }</pre>
 *
 * <p>A block runs as one transaction: it sees a consistent snapshot of every
 * ref it reads (even in an attempt that will be rolled back: no "zombie"
 * attempt sees a state no serial run could produce) and its writes become
 * visible all at once. On a conflict the attempt is rolled back and the block
 * re-run, transparently, until it commits: blocks must therefore be free of
 * side effects other than ref writes (use {@link #afterCommit} or
 * {@link #becomeInevitable()} for I/O). Transactions that touch disjoint refs
 * run and commit in parallel; read-only transactions do not abort because of
 * writers (the engine predicts per call site whether a block writes; the
 * first read-only run of a block whose earlier runs all wrote may abort once). A transaction that keeps losing conflicts is eventually run
 * inevitable, so every block finishes.
 */
public final class Stm {
    private Stm() {}

    /**
     * Runs {@code block} as one transaction, re-running it on conflict until it commits.
     * Inside a transaction, joins it (flat nesting; if the inner block throws, its
     * own writes are undone before the exception reaches the outer block).
     *
     * <p>An exception (any {@code Throwable}) escaping the block rolls the
     * transaction back (none of its writes become visible) and is rethrown
     * unchanged, unless the attempt had already lost a conflict (another commit
     * changed a ref it read, so the exception may come from a state that no
     * longer holds), in which case the block is re-run instead.
     */
    public static void atomic(Runnable block) {
        Objects.requireNonNull(block, "Stm.atomic(block): block is null");
        Transaction.atomic(block);
    }

    /** Like {@link #atomic(Runnable)}, returning the block's result from the attempt that committed. */
    @SuppressWarnings("unchecked")
    public static <T> T atomic(Supplier<T> block) {
        Objects.requireNonNull(block, "Stm.atomic(block): block is null");
        return (T) Transaction.atomic(block);
    }

    /**
     * Runs {@code block} as a transaction that is inevitable from its start: it
     * never aborts, so it may do I/O. Waits while another inevitable transaction
     * runs. Inside a transaction, makes that one inevitable (see {@link #becomeInevitable()}).
     */
    public static void atomicInevitable(Runnable block) {
        Objects.requireNonNull(block, "Stm.atomicInevitable(block): block is null");
        Transaction.atomicInevitable(block);
    }

    /** Like {@link #atomicInevitable(Runnable)}, returning the block's result. */
    @SuppressWarnings("unchecked")
    public static <T> T atomicInevitable(Supplier<T> block) {
        Objects.requireNonNull(block, "Stm.atomicInevitable(block): block is null");
        return (T) Transaction.atomicInevitable(block);
    }

    /**
     * Abandons this attempt and blocks until another commit changes one of the
     * refs it read, then re-runs the block (blocking retry). Uses no CPU while
     * blocked. Inside {@link #orElse}, hands over to the alternative instead.
     *
     * <p><b>Fair service.</b> Calls blocked on the same refs are served in the
     * order they first blocked once they have waited 1 ms: a commit wakes every
     * call that read what it wrote, and they re-run in parallel, but where a
     * younger call's commit would change what an older woken call read, and the
     * older one first blocked more than 1 ms ago, the older one commits first. A
     * call that finds its condition gone blocks again and keeps its place in line
     * (it is never sent to the back). A transaction that never blocked waits its
     * turn behind such calls too, so it cannot take an item from under them;
     * except behind a call that read more than about 32 refs (a scan would
     * otherwise hold up every writer). Calls served within 1 ms race freely:
     * taking turns on every hand-off costs a context switch each, which made a
     * bounded queue with blocking producers and consumers 5 to 10 times slower.
     * The order is kept up to a bounded wait: each commit attempt waits at most
     * 10 ms for an older woken call (one descheduled on a busy machine, or one
     * blocked outside the STM, such as on a latch or a future inside its
     * transaction) before it goes ahead. Inevitable transactions and single
     * operations outside transactions never wait for a turn.
     *
     * @throws IllegalStateException outside a transaction, or when the
     *         transaction has read no ref (it would wait forever)
     * @throws TransactionInterruptedException if the thread is interrupted while
     *         blocked; the interrupt flag stays set
     */
    public static void retry() {
        throw require("Stm.retry()").retry();
    }

    /**
     * Like {@link #retry()}, but the atomic block gives up with a
     * {@link RetryTimeoutException} (after rolling back) once it has been blocked
     * for {@code timeout} in total since this call. When an atomic call reaches
     * several {@code retryFor} calls (in one attempt or across attempts), the
     * earliest deadline holds. A zero or negative timeout gives up at once
     * unless a change has already come; one beyond the range of
     * {@link System#nanoTime()} (about 292 years, or
     * {@code ChronoUnit.FOREVER}) sets no practical limit.
     */
    public static void retryFor(Duration timeout) {
        Objects.requireNonNull(timeout, "Stm.retryFor(timeout): timeout is null");
        Transaction tx = require("Stm.retryFor(timeout)");
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = timeout.isNegative() ? 0 : Long.MAX_VALUE;
        }
        throw tx.retryFor(nanos);
    }

    /**
     * Runs {@code first}; if it calls {@link #retry()}, discards its writes and
     * runs {@code second} in the same transaction; if both retry, the whole
     * transaction retries, waking on a change to anything either one read.
     * Outside a transaction, runs as its own atomic block.
     */
    public static <T> T orElse(Supplier<T> first, Supplier<T> second) {
        Objects.requireNonNull(first, "Stm.orElse(first, second): first is null");
        Objects.requireNonNull(second, "Stm.orElse(first, second): second is null");
        Transaction tx = Transaction.active();
        if (tx == null) {
            return atomic(() -> Transaction.active().orElse(first, second));
        }
        return tx.orElse(first, second);
    }

    /**
     * From here on the current transaction can never abort, so it may perform
     * I/O. At most one inevitable transaction runs at a time; this waits
     * (parked) for the token. Other transactions keep committing in parallel
     * unless they touch this one's refs, in which case they lose. If what the
     * transaction already read has been changed meanwhile, its block is re-run
     * once, inevitable from the start (before any I/O after this call).
     *
     * <p>Those that touch its refs, inside a transaction or outside one (a plain
     * {@code set}), wait until it ends. So an inevitable transaction must not
     * wait for another thread (join it, block on its result) that writes one of
     * the refs it has read or written: that thread waits for it in turn, and
     * neither ends. As with a lock held across such a wait, do the waiting
     * before or after the transaction.
     *
     * @throws IllegalStateException outside a transaction
     */
    public static void becomeInevitable() {
        require("Stm.becomeInevitable()").becomeInevitable();
    }

    /**
     * True while the calling thread runs a transaction that is inevitable (it
     * called {@link #becomeInevitable()}, was started with {@link #atomicInevitable},
     * or was escalated after losing too many conflicts in a row, or after one
     * conflict for a long attempt). False outside a transaction.
     */
    public static boolean isInevitable() {
        Transaction tx = Transaction.active();
        return tx != null && tx.isInevitable();
    }

    /** True while the calling thread runs a transaction. */
    public static boolean inTransaction() {
        return Transaction.active() != null;
    }

    /**
     * Runs {@code action} once, on this thread, after the current transaction
     * commits (not at all if it rolls back). Actions run in registration order,
     * outside the transaction; if one throws, the others still run and the first
     * exception is rethrown from the atomic call (the commit stands).
     *
     * @throws IllegalStateException outside a transaction
     */
    public static void afterCommit(Runnable action) {
        Objects.requireNonNull(action, "Stm.afterCommit(action): action is null");
        require("Stm.afterCommit(action)").afterCommit(action);
    }

    /**
     * Runs {@code action} once, on this thread, after the current attempt rolls
     * back (each aborted attempt runs the actions it registered). An action
     * registered inside a nested block that throws, or inside an {@link #orElse}
     * branch that retries, runs when that part is undone (still inside the
     * enclosing transaction). If an action throws, the others still run and the
     * block goes on as it would have (it re-runs after a conflict, waits after a
     * retry, runs an orElse's second branch); the first such exception is thrown
     * from the atomic call when it ends (after its commit, which stands), or
     * added to the exception it ends with. An action of a nested block that
     * throws is added to that block's exception instead.
     *
     * @throws IllegalStateException outside a transaction
     */
    public static void afterRollback(Runnable action) {
        Objects.requireNonNull(action, "Stm.afterRollback(action): action is null");
        require("Stm.afterRollback(action)").afterRollback(action);
    }

    /** What the calling thread's most recent aborted attempt was, if any (pypy-stm's {@code last_abort_info()}). */
    public static Optional<AbortInfo> lastAbortInfo() {
        return Optional.ofNullable(Transaction.forCurrentThread().lastAbortInfo());
    }

    /** Global counters (commits, aborts by reason, wasted time, ...) summed over all threads. */
    public static StmStatistics statistics() {
        return Statistics.snapshot();
    }

    /** Starts the {@link #statistics()} counters and the {@link #conflictReport()} from zero. */
    public static void resetStatistics() {
        Statistics.reset();
        ConflictProfiler.reset();
    }

    /**
     * The conflict profiler: every conflict abort since start-up (or the last
     * {@link #resetStatistics()}), grouped by ref and by the pair of code sites,
     * most wasted time first. Print it, or run with {@code -Djstm.report=path}
     * to have it written at exit (text and HTML). Sites are filled in while
     * conflict tracing is on.
     */
    public static ConflictReport conflictReport() {
        return ConflictProfiler.report();
    }

    /**
     * Switches conflict tracing on or off (also on at start-up with
     * {@code -Djstm.conflictTracing=true}). While on, each transaction records
     * where it first touched each ref and each commit where it wrote, so that
     * {@link AbortInfo} and the {@link #conflictReport()} show both sides of a
     * conflict. It costs a stack walk per ref a transaction touches: a debugging
     * mode. Off, it costs one flag read per attempt.
     */
    public static void setConflictTracing(boolean on) {
        ConflictTracer.setEnabled(on);
    }

    /** Whether conflict tracing is on. */
    public static boolean conflictTracing() {
        return ConflictTracer.enabled();
    }

    private static Transaction require(String what) {
        Transaction tx = Transaction.active();
        if (tx == null) {
            throw new IllegalStateException(what + " called outside a transaction; wrap the code in Stm.atomic(...)");
        }
        return tx;
    }
}
