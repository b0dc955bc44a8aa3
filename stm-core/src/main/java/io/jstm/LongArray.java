package io.jstm;

import io.jstm.internal.CellNames;
import io.jstm.internal.Direct;
import io.jstm.internal.LongStripe;
import io.jstm.internal.Transaction;

import java.util.Objects;

/**
 * A fixed-length array of {@code long}s that transactions read and write
 * element by element, without an object per element: the transactional
 * counterpart of {@code long[]} (as ScalaSTM's {@code TArray}), for grids,
 * matrices and tables of counters with hundreds of thousands of elements.
 *
 * <p>Same rules as {@link LongRef}: inside {@link Stm#atomic} every access is
 * part of the transaction (reads see one consistent snapshot, writes are
 * buffered until commit); outside, each call is one tiny transaction of its own.
 *
 * <h2>Stripes: what conflicts with what</h2>
 * Elements are versioned in stripes of {@value io.jstm.internal.LongStripe#SIZE}
 * consecutive elements ({@code [0..7]}, {@code [8..15]}, ...): a transaction
 * that read any element of a stripe is invalidated by a commit that wrote any
 * element of the same stripe, as if the stripe were one ref. Writes stay per
 * element: transactions that only write (without reading) different elements
 * of one stripe all take effect. Abort info and conflict reports name the
 * stripe, e.g. {@code depth[16..23]}. Lay data out so that elements updated by
 * unrelated transactions fall in different stripes, as you would for cache
 * lines; for one hot counter use a {@link LongRef} with {@link LongRef#commute}.
 *
 * <h2>Memory</h2>
 * About 13.5 bytes per element, against 36 for a {@code LongRef[]} (a 32-byte
 * ref and a pointer): per 8 elements, 64 bytes of values in the array's one
 * {@code long[]}, a 40-byte stripe and a 4-byte slot in the stripe array
 * (measured with JOL on a 64-bit JVM with compressed oops). The values sit in
 * one block, in index order, as in a plain {@code long[]}.
 *
 * <p>Indices out of range throw {@link IndexOutOfBoundsException} before anything
 * is read or written.
 */
public final class LongArray {
    private final Stripe[] stripes;
    /** The elements, in one block (each stripe guards its run of 8); see {@link LongStripe} for who writes them. */
    private final long[] values;
    private final int length;
    /** The given name, or null: unnamed arrays get a stable generated one on demand. */
    private final String name;

    private LongArray(String name, int length, long[] initial) {
        if (length < 0) {
            throw new IllegalArgumentException("LongArray length " + length + " is negative; pass 0 or more");
        }
        this.name = name;
        this.length = length;
        long[] vs = initial != null ? initial.clone() : new long[length];
        int n = (length + LongStripe.MASK) >>> LongStripe.SHIFT;
        Stripe[] ss = new Stripe[n];
        for (int j = 0; j < n; j++) {
            ss[j] = new Stripe(this, j, vs);
        }
        this.values = vs;
        this.stripes = ss;
    }

    /** A new array of {@code length} elements, all 0 ({@code LongArray.ofLength(3)} is {@code [0, 0, 0]}). */
    public static LongArray ofLength(int length) {
        return new LongArray(null, length, null);
    }

    /** A new array holding a copy of {@code values}. */
    public static LongArray copyOf(long[] values) {
        Objects.requireNonNull(values, "LongArray.copyOf(values): values is null");
        return new LongArray(null, values.length, values);
    }

    /** A new array of {@code length} zeros whose {@code name} shows up in abort info and conflict reports. */
    public static LongArray named(String name, int length) {
        Objects.requireNonNull(name, "LongArray.named(name, length): name is null; use LongArray.ofLength(length) for an unnamed array");
        return new LongArray(name, length, null);
    }

    /** The number of elements. */
    public int length() {
        return length;
    }

    /** The name given to {@link #named}, or a stable generated description such as {@code LongArray#2}. */
    public String name() {
        return name != null ? name : CellNames.describe(this, "LongArray");
    }

    /** Element {@code i}: this transaction's view inside one, the latest committed value outside. */
    public long get(int i) {
        Stripe s = stripe(i);
        Transaction tx = Transaction.active();
        return tx != null ? tx.readElement(s, values, i) : Direct.readElement(s, values, i);
    }

    /** Sets element {@code i}: buffered until commit inside a transaction, committed at once outside. */
    public void set(int i, long value) {
        Stripe s = stripe(i);
        int k = i & LongStripe.MASK;
        Transaction tx = Transaction.active();
        if (tx != null) {
            tx.writeElement(s, k, value);
        } else {
            Direct.updateElement(s, k, value, false);
        }
    }

    /** Adds {@code delta} to element {@code i} and returns its previous value, atomically. */
    public long getAndAdd(int i, long delta) {
        Stripe s = stripe(i);
        int k = i & LongStripe.MASK;
        Transaction tx = Transaction.active();
        if (tx != null) {
            long old = tx.readElement(s, values, i);
            tx.writeElement(s, k, old + delta);
            return old;
        }
        return Direct.updateElement(s, k, delta, true);
    }

    /** Adds {@code delta} to element {@code i} and returns the new value, atomically. */
    public long addAndGet(int i, long delta) {
        return getAndAdd(i, delta) + delta;
    }

    /** Adds one to element {@code i} and returns the new value, atomically. */
    public long incrementAndGet(int i) {
        return getAndAdd(i, 1) + 1;
    }

    /**
     * A copy of every element, all from one snapshot: inside a transaction its
     * view (and every stripe joins its read set); outside, one read-only
     * transaction (which reads older versions rather than abort because of writers).
     */
    public long[] toArray() {
        Transaction tx = Transaction.active();
        if (tx == null) {
            return Stm.atomic(this::toArray);
        }
        long[] out = new long[length];
        for (int i = 0; i < length; i++) {
            out[i] = tx.readElement(stripes[i >>> LongStripe.SHIFT], values, i);
        }
        return out;
    }

    /** The name and length; never the values (reading them here could touch a transaction). */
    @Override
    public String toString() {
        return "LongArray[" + name() + ", length " + length + "]";
    }

    private Stripe stripe(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("LongArray " + name() + ": index " + i + " is out of bounds for length "
                    + length + (length == 0 ? "; the array is empty" : "; valid indices are 0 to " + (length - 1)));
        }
        return stripes[i >>> LongStripe.SHIFT];
    }

    /** One stripe: its engine cell, named after the array and its index range. */
    private static final class Stripe extends LongStripe {
        private final LongArray owner;

        Stripe(LongArray owner, int index, long[] values) {
            super(index, values);
            this.owner = owner;
        }

        @Override
        public String name() {
            return owner.name() + "[" + base() + ".." + (base() + size() - 1) + "]";
        }
    }
}
