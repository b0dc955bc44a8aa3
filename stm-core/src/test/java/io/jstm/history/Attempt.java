package io.jstm.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What one attempt of one transaction did: every read and write in program
 * order, how the attempt ended, and a real-time window around it.
 *
 * <p>An attempt is named {@code t<thread>/tx<txn>/a<number>}: the thread, the
 * thread's transaction sequence number (each top-level {@code Stm.atomic} call
 * or single out-of-transaction operation is one transaction), and the attempt
 * number within the transaction (1 = first run of the block).
 *
 * <p>Times are {@link System#nanoTime()} readings chosen to be safe bounds:
 * {@code start} is taken no later than the engine began the attempt (before the
 * {@code Stm.atomic} call for attempt 1, in the previous attempt's
 * {@code afterRollback} hook otherwise); {@code end} is taken no earlier than
 * the attempt finished (after {@code Stm.atomic} returned, for a commit). The
 * checker orders committed transaction T before attempt X in real time only
 * when {@code T.end < X.start}. Hand-built histories leave both at 0: no
 * real-time order.
 *
 * <p>Not thread-safe: filled by the one thread that runs the attempt, read by
 * the checker after that thread was joined.
 */
final class Attempt {

    /** How an attempt ended. */
    enum Outcome {
        /** Still being recorded. */
        RUNNING,
        /** Its writes became visible: the only outcome whose writes may ever be read. */
        COMMITTED,
        /** The engine rolled it back and ran the block again (conflict, retry, restart). */
        ABORTED,
        /** The transaction ended without committing: an exception escaped the block. */
        ROLLED_BACK
    }

    final int thread;
    final long txn;
    final int number;
    private Outcome outcome = Outcome.RUNNING;
    long start;
    long end;
    private final List<Op> ops = new ArrayList<>();
    /** Set once the block has returned: from then on commute functions run at commit. */
    private boolean blockEnded;
    /** Commute ops whose function ran at commit: {op index, base} pairs, kept only if the attempt commits. */
    private List<long[]> appliedAtCommit;

    Attempt(int thread, long txn, int number) {
        this.thread = thread;
        this.txn = txn;
        this.number = number;
    }

    /** Records that the block read {@code value} from ref {@code ref}. */
    Attempt read(int ref, long value) {
        ops.add(Op.read(ref, value));
        return this;
    }

    /** Records that the block wrote {@code value} to ref {@code ref}. */
    Attempt write(int ref, long value) {
        ops.add(Op.write(ref, value));
        return this;
    }

    /**
     * Records that the block wrote {@code value} to {@code ref} without reading it,
     * and that the write replaces version {@code replaces} if the attempt commits
     * (see {@link Op}: a ref only this thread writes).
     */
    Attempt blindWrite(int ref, long value, long replaces) {
        ops.add(Op.blindWrite(ref, value, replaces));
        return this;
    }

    /**
     * Records that the block called {@code commute} on {@code ref} with a function
     * returning {@code value}; returns the op's index, for {@link #commuteApplied}.
     */
    int commute(int ref, long value) {
        ops.add(Op.commute(ref, value, OptionalLong.empty()));
        return ops.size() - 1;
    }

    /** A commute with a known base, for hand-built histories. */
    Attempt commute(int ref, long value, long base) {
        ops.add(Op.commute(ref, value, OptionalLong.of(base)));
        return this;
    }

    /**
     * Called by the function of commute op {@code index} with its argument. While
     * the block runs, that argument is part of what the block saw; after
     * {@link #endBlock()} the engine is committing, and the argument counts only
     * if this attempt commits (its last application is the value it replaced).
     */
    void commuteApplied(int index, long base) {
        if (!blockEnded) {
            setBase(index, base);
        } else {
            if (appliedAtCommit == null) {
                appliedAtCommit = new ArrayList<>(2);
            }
            appliedAtCommit.add(new long[] {index, base});
        }
    }

    private void setBase(int index, long base) {
        Op op = ops.get(index);
        ops.set(index, Op.commute(op.ref(), op.value(), OptionalLong.of(base)));
    }

    /** The block returned; the engine commits next. */
    void endBlock() {
        blockEnded = true;
    }

    /** The index the next op will get: pass it to {@link #undoWritesSince}. */
    int mark() {
        return ops.size();
    }

    /** Records that every write recorded since {@code mark} was discarded within the attempt. */
    Attempt undoWritesSince(int mark) {
        ops.add(Op.undo(mark));
        return this;
    }

    /** Sets the real-time window (see the class comment). */
    Attempt during(long start, long end) {
        this.start = start;
        this.end = end;
        return this;
    }

    Attempt finish(Outcome how) {
        outcome = how;
        if (how == Outcome.COMMITTED && appliedAtCommit != null) {
            for (long[] a : appliedAtCommit) {
                setBase((int) a[0], a[1]);
            }
        }
        appliedAtCommit = null;
        return this;
    }

    /**
     * What a commit of this attempt installs: per ref, the newest write of it
     * that no later UNDO discarded.
     */
    Map<Integer, Long> finalWrites() {
        boolean[] discarded = new boolean[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            if (op.kind() == Op.Kind.UNDO) {
                Arrays.fill(discarded, Math.max(0, op.since()), i, true);
            }
        }
        Map<Integer, Long> result = new HashMap<>();
        for (int i = ops.size() - 1; i >= 0; i--) {
            Op op = ops.get(i);
            if (op.writes() && !discarded[i]) {
                result.putIfAbsent(op.ref(), op.value());
            }
        }
        return result;
    }

    Outcome outcome() {
        return outcome;
    }

    boolean committed() {
        return outcome == Outcome.COMMITTED;
    }

    List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    String id() {
        return "t" + thread + "/tx" + txn + "/a" + number;
    }

    @Override
    public String toString() {
        return id() + " " + outcome + " " + ops;
    }
}
