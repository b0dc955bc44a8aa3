package io.jstm.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A {@link Cell} holding up to {@link #SIZE} consecutive {@code long} elements
 * of a transactional array ({@code io.jstm.LongArray}) under one lock word: the
 * engine side of an array stripe.
 *
 * <h2>Overview</h2>
 * An array of refs pays a header, a lock word and a pointer per element; a
 * stripe pays them once per {@link #SIZE} elements, and its values sit in one
 * {@code long[]} allocated right after it. The price is granularity: the stripe
 * is versioned as a whole, so a transaction that read any element of a stripe
 * is invalidated by a commit that wrote any element of it (as ScalaSTM's
 * {@code TArray} shares metadata between neighbouring elements). Writes are
 * still per element: a transaction buffers the elements it wrote in a
 * {@link Buffer} with a bit mask, and write-back stores only those, so two
 * transactions that blindly write different elements of one stripe both take
 * effect (they meet only at the stripe's lock, one after the other).
 *
 * <h2>Concurrency</h2>
 * Exactly the seqlock of {@link Cell}: a committer holding the lock stores the
 * elements it wrote with setRelease and unlocks with a setRelease of the new
 * version; a reader loads the word (getAcquire), the element (getAcquire) and
 * the word again. The history chain holds, per replaced version, a copy of the
 * whole stripe ({@link Version.OfObject} of a {@code long[]}), made by the lock
 * holder and never changed after it is published.
 */
public abstract class LongStripe extends Cell {
    /** Elements per stripe: 8 longs, 64 bytes of values. */
    public static final int SHIFT = 3;
    public static final int SIZE = 1 << SHIFT;
    public static final int MASK = SIZE - 1;

    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(long[].class);

    /** The committed elements. The reference is final (so a stripe published through a race is
     *  seen with its initial values); elements are written only by the lock holder (setRelease),
     *  read by readers between two reads of the lock word with getAcquire. */
    private final long[] values;
    /** This stripe's place in its array: it holds elements {@code index * SIZE} onwards. */
    final int index;

    /**
     * Stripe number {@code index} of an array, of {@code size} elements (1 to
     * {@link #SIZE}), holding {@code initial[index * SIZE ..][0 .. size)}, or zeros if {@code initial} is null.
     */
    protected LongStripe(int index, int size, long[] initial) {
        if (size < 1 || size > SIZE || index < 0) {
            throw new IllegalArgumentException("stripe " + index + " of size " + size);
        }
        long[] v = new long[size];
        if (initial != null) {
            System.arraycopy(initial, index << SHIFT, v, 0, size);
        }
        this.values = v;
        this.index = index;
    }

    /** The index of this stripe's first element in its array. */
    protected final int base() {
        return index << SHIFT;
    }

    /** Number of elements in this stripe. */
    public final int size() {
        return values.length;
    }

    final long valueAcquire(int k) {
        return (long) VALUES.getAcquire(values, k);
    }

    /** The committed element {@code k}; caller holds the lock (or the inevitable mark). */
    final long valueLocked(int k) {
        return values[k];
    }

    @Override
    final void writeBack(WriteSet ws, int i, long commitVersion, long oldest) {
        Buffer b = (Buffer) ws.objectAt(i);
        keepHistory(commitVersion, oldest);
        long[] vs = values;
        long[] bv = b.values;
        for (int m = b.mask; m != 0; m &= m - 1) {
            int k = Integer.numberOfTrailingZeros(m);
            VALUES.setRelease(vs, k, bv[k]);
        }
        setWordRelease(LockWord.of(commitVersion));
    }

    /** Installs {@code v} as element {@code k} committed at {@code commitVersion}, and unlocks. Caller holds the lock. */
    final void installOne(int k, long v, long commitVersion, long oldest) {
        keepHistory(commitVersion, oldest);
        VALUES.setRelease(values, k, v);
        setWordRelease(LockWord.of(commitVersion));
    }

    /** Keeps a copy of the stripe as it is now if a reader older than the commit may need it. Lock holder only. */
    private void keepHistory(long commitVersion, long oldest) {
        if (oldest < commitVersion) {
            long oldVersion = LockWord.version(wordOpaque());
            pushHistory(new Version.OfObject(values.clone(), oldVersion, historyPlain()), oldest);
        } else {
            dropHistory();
        }
    }

    /** Element {@code k} of a history node of a stripe. */
    static long elementOf(Version v, int k) {
        return ((long[]) ((Version.OfObject) v).value)[k];
    }

    /**
     * A transaction's buffered writes to one stripe: the written elements' new
     * values and a mask of which are written. Owned by one write set. Changed in
     * place only while no open checkpoint's undo log can hold it: the first write
     * in a new checkpoint {@code epoch} copies it (see {@link WriteSet#putElement}).
     */
    static final class Buffer {
        final int epoch;
        final long[] values;
        int mask;

        Buffer(int epoch, int size) {
            this.epoch = epoch;
            this.values = new long[size];
        }

        private Buffer(int epoch, long[] values, int mask) {
            this.epoch = epoch;
            this.values = values;
            this.mask = mask;
        }

        boolean has(int k) {
            return (mask >>> k & 1) != 0;
        }

        void set(int k, long v) {
            values[k] = v;
            mask |= 1 << k;
        }

        Buffer copy(int epoch) {
            return new Buffer(epoch, values.clone(), mask);
        }
    }
}
