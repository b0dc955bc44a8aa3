package io.jstm;

import io.jstm.internal.CellNames;
import io.jstm.internal.Direct;
import io.jstm.internal.LongCell;
import io.jstm.internal.Transaction;

import java.util.Objects;
import java.util.function.LongUnaryOperator;

/**
 * An unboxed {@code long} ref, for counters and indices: no boxing on reads or
 * writes and 32 bytes per unnamed ref. Same rules as {@link Ref}: transactional
 * inside {@link Stm#atomic}, one tiny transaction per call outside.
 */
public sealed class LongRef extends LongCell permits LongRef.Named {

    private LongRef(long initial) {
        super(initial);
    }

    /** A new ref holding {@code initial}. */
    public static LongRef of(long initial) {
        return new LongRef(initial);
    }

    /** A new ref whose {@code name} shows up in abort info and conflict reports. */
    public static LongRef named(String name, long initial) {
        Objects.requireNonNull(name, "LongRef.named(name, initial): name is null; use LongRef.of(initial) for an unnamed ref");
        return new Named(name, initial);
    }

    /** The name given to {@link #named}, or a stable generated description such as {@code LongRef#3}. */
    @Override
    public String name() {
        return CellNames.describe(this, "LongRef");
    }

    /** The value: this transaction's view inside one, the latest committed value outside. */
    public final long get() {
        Transaction tx = Transaction.active();
        return tx != null ? tx.readLong(this) : Direct.readLong(this);
    }

    /** Sets the value: buffered until commit inside a transaction, committed at once outside. */
    public final void set(long value) {
        Transaction tx = Transaction.active();
        if (tx != null) {
            tx.writeLong(this, value);
        } else {
            Direct.getAndSetLong(this, value);
        }
    }

    /** Adds {@code delta} and returns the previous value, atomically. */
    public final long getAndAdd(long delta) {
        Transaction tx = Transaction.active();
        if (tx != null) {
            long old = tx.readLong(this);
            tx.writeLong(this, old + delta);
            return old;
        }
        return Direct.getAndAddLong(this, delta);
    }

    /** Adds {@code delta} and returns the new value, atomically. */
    public final long addAndGet(long delta) {
        return getAndAdd(delta) + delta;
    }

    /** Adds one and returns the new value, atomically. */
    public final long incrementAndGet() {
        return getAndAdd(1) + 1;
    }

    /**
     * A commutative update: inside a transaction, {@code f} is applied to the
     * latest committed value at commit time, so transactions that only commute this
     * ref never conflict with each other; a later read in the same transaction
     * applies the pending functions and becomes an ordinary read. Outside a
     * transaction: an atomic update. {@code f} may run more than once and must be pure.
     *
     * <p>At commit, a commuted ref that another transaction is committing, or that
     * an inevitable transaction holds, is waited for, not lost as a conflict; after a
     * bounded wait (about 1.7 ms of short parks) the committing transaction becomes
     * inevitable itself (counted in {@link StmStatistics#escalations()}), so it still finishes.
     *
     * @see Ref#commute
     */
    public final void commute(LongUnaryOperator f) {
        Objects.requireNonNull(f, "commute(f): f is null");
        Transaction tx = Transaction.active();
        if (tx != null) {
            tx.commuteLong(this, f);
        } else {
            Stm.atomic(() -> set(f.applyAsLong(get())));
        }
    }

    /** The name; never the value (reading it here could touch a transaction). */
    @Override
    public String toString() {
        return "LongRef[" + name() + "]";
    }

    /** A named long ref: the name costs a field only for refs that have one. */
    static final class Named extends LongRef {
        private final String name;

        Named(String name, long initial) {
            super(initial);
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }
    }
}
