package io.jstm.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A {@link Cell} holding up to {@link #SIZE} consecutive {@code long} elements
 * of a transactional array ({@code io.jstm.LongArray}) under one lock word: the
 * engine side of an array stripe.
 *
 * <h2>Overview</h2>
 * An array of refs pays a header, a lock word and a pointer per element; a
 * stripe pays them once per {@link #SIZE} elements. The values are not in the
 * stripe: all of an array's elements sit in one {@code long[]} that its stripes
 * share, each guarding its run of {@link #SIZE}. A read then loads the element
 * from the array the caller already holds, in parallel with the stripe's word,
 * rather than after it through a pointer in the stripe (see benchmarks/README.md,
 * Lee-TM), and neighbouring elements share cache lines as in a plain
 * {@code long[]}.
 *
 * <p>The price of a stripe is granularity: the stripe
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

    /** The elements of the whole array this stripe belongs to, shared by all its stripes (this
     *  stripe's are {@code [base() .. base() + size())}). The reference is final (so a stripe
     *  published through a race is seen with its initial values); this stripe's elements are
     *  written only by the holder of this stripe's lock (setRelease), and read by readers between
     *  two reads of this stripe's lock word with getAcquire. */
    private final long[] values;
    /** This stripe's place in its array: it guards elements {@code index * SIZE} onwards. */
    final int index;

    /**
     * Stripe number {@code index} of an array whose elements are {@code values}
     * (the array's own storage, shared by its stripes, not copied): it covers
     * {@code values[index * SIZE ..]}, up to {@link #SIZE} elements.
     */
    protected LongStripe(int index, long[] values) {
        if (index < 0 || values.length == 0 || index > (values.length - 1) >>> SHIFT) {
            throw new IllegalArgumentException("stripe " + index + " of an array of " + values.length);
        }
        this.values = values;
        this.index = index;
    }

    /** The index of this stripe's first element in its array. */
    protected final int base() {
        return index << SHIFT;
    }

    /** Number of elements in this stripe (1 to {@link #SIZE}; fewer only in an array's last stripe). */
    public final int size() {
        return Math.min(SIZE, values.length - base());
    }

    /** True if element {@code i} of {@code values} is one this stripe guards (for assertions). */
    final boolean guards(long[] values, int i) {
        return values == this.values && i >>> SHIFT == index && (i & MASK) < size();
    }

    /**
     * Element {@code i} of the array (an element of this stripe), for a seqlock
     * read between two reads of this stripe's word. The caller passes the array
     * it holds itself, so that the load does not wait for this stripe's line.
     */
    static long elementAcquire(long[] values, int i) {
        return (long) VALUES.getAcquire(values, i);
    }

    /** Element {@code k} of this stripe, committed; a seqlock read as for {@link #elementAcquire}. */
    final long valueAcquire(int k) {
        return (long) VALUES.getAcquire(values, base() + k);
    }

    /** The committed element {@code k}; caller holds the lock (or the inevitable mark). */
    final long valueLocked(int k) {
        return values[base() + k];
    }

    @Override
    final void writeBack(WriteSet ws, int i, long commitVersion, long oldest) {
        Buffer b = (Buffer) ws.objectAt(i);
        keepHistory(commitVersion, oldest);
        long[] vs = values;
        long[] bv = b.values;
        int base = base();
        for (int m = b.mask; m != 0; m &= m - 1) {
            int k = Integer.numberOfTrailingZeros(m);
            VALUES.setRelease(vs, base + k, bv[k]);
        }
        setWordRelease(LockWord.of(commitVersion));
    }

    /** Installs {@code v} as element {@code k} committed at {@code commitVersion}, and unlocks. Caller holds the lock. */
    final void installOne(int k, long v, long commitVersion, long oldest) {
        keepHistory(commitVersion, oldest);
        VALUES.setRelease(values, base() + k, v);
        setWordRelease(LockWord.of(commitVersion));
    }

    /** Keeps a copy of the stripe as it is now if a reader older than the commit may need it. Lock holder only. */
    private void keepHistory(long commitVersion, long oldest) {
        if (oldest < commitVersion) {
            long oldVersion = LockWord.version(wordOpaque());
            int base = base();
            pushHistory(new Version.OfObject(Arrays.copyOfRange(values, base, base + size()), oldVersion, historyPlain()),
                    oldest);
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
