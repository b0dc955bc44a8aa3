package io.jstm.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Where running transactions publish the snapshot they may still need to read,
 * so that committers know which older versions to keep.
 *
 * <h2>Overview</h2>
 * A fixed array of padded slots. A transaction claims a slot when it starts
 * (a CAS, trying the slot it used last time first, so in the steady state each
 * thread hits its own cache line), publishes a lower bound of its snapshot, and
 * frees the slot when it first writes (from then on it never reads old versions)
 * or when it ends. A committer that is about to overwrite values calls
 * {@link #oldest()} after taking its commit version: if no published snapshot is
 * older than the commit version, nobody can need the replaced values and no
 * history is kept (no allocation); otherwise the old value is pushed onto the
 * cell's {@link Version} chain, trimmed to what the oldest reader needs.
 *
 * <h2>Why no reader is missed (a Dekker handshake)</h2>
 * Reader: claim slot (CAS, volatile), make sure {@link #highWater} covers it
 * ({@link #cover}: a volatile read, and a CAS if it must raise it), then read
 * the clock (volatile) to get its snapshot {@code s}. Committer: advance the
 * clock to {@code t} (atomic add), then read {@link #highWater} and the slots
 * below it (volatile). All these accesses are sequentially consistent, so if
 * the committer misses the reader's claim (its read of the high-water mark came
 * before the reader's raise, or its read of the slot before the claim), that
 * read came after the tick and before the reader's clock read, which returns
 * {@code s >= t}: the reader never needs the value replaced at {@code t}.
 *
 * <h2>Shrinking the scan</h2>
 * A committer reads every slot below the high-water mark, so a mark left at the
 * peak of a burst (600 threads in transactions at once, once) would cost every
 * later commit in the JVM a scan of hundreds of lines (AfterBurstBench: 101 ns
 * per two-ref commit without a burst, 518 ns after a 600-thread one; 98 ns with
 * the shrinking). So the mark comes down
 * again: whoever frees the top slot above {@link #SHRINK_FLOOR} sets the mark's
 * {@link #SHRINKING} bit (CAS), scans down for the highest claimed slot, and
 * stores the new mark, repeating while the slot below it is free. The bit makes
 * it exact: a claimer that finds it set waits until the shrink is over and then
 * raises the mark if the shrink went below its slot; a claimer that read the
 * mark before the bit was set had claimed before the shrinker's scan, which
 * therefore sees its slot. A slot is freed with a volatile store (above the
 * floor), so that a shrinker whose scan ran before the free sees it when it
 * looks again. Below the floor nothing changes: a handful of threads never
 * shrink or raise the mark, never wait for a shrink (it never goes below the
 * floor), and pay one extra read of it per claim. A thread whose last slot is
 * now above the mark claims the lowest free slot instead, so that after a
 * shrink threads move down rather than raise the mark again.
 *
 * <p>Published values only ever err low (a slot holds a value at most the
 * transaction's snapshot), which keeps more history than needed, never less.
 * When every slot is taken the transaction runs unregistered; it then may have
 * to abort if it needs an old version (never silently reads a wrong one).
 */
public final class SnapshotRegistry {
    /** Slot value meaning "free": also the neutral element of min(). */
    static final long FREE = Long.MAX_VALUE;
    /** Longs per slot: 128 bytes, so two slots never share a cache line (or an adjacent-line prefetch pair). */
    private static final int STRIDE = 16;
    static final int CAPACITY = 512;

    /** Slot i lives at index (i + 1) * STRIDE; written by CAS/setRelease, read with getVolatile by committers. */
    private static final long[] SLOTS = new long[(CAPACITY + 2) * STRIDE];
    /**
     * {@code top << 1 | SHRINKING}: {@code top} is one more than the highest slot
     * that may be claimed (committers scan the slots below it), and the bit is set
     * while a shrink is under way. Raised by claimers ({@link #cover}), lowered only
     * by the holder of the bit. Volatile: part of the handshake.
     */
    private static volatile int highWater;
    private static final int SHRINKING = 1;
    /** The mark is never shrunk below this many slots: scanning them is cheap, and few threads never shrink. */
    static final int SHRINK_FLOOR = 16;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle HIGH_WATER;

    static {
        try {
            HIGH_WATER = MethodHandles.lookup().findStaticVarHandle(SnapshotRegistry.class, "highWater", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        for (int i = 0; i < CAPACITY; i++) {
            SLOTS[index(i)] = FREE;
        }
    }

    private SnapshotRegistry() {}

    /**
     * Claims a slot publishing {@code value} (a lower bound of the caller's
     * snapshot, to be read from the clock after this returns).
     *
     * @param preferred the slot the caller had last time, or -1
     * @return the claimed slot, or -1 when every slot is taken
     */
    static int claim(int preferred, long value) {
        // The last slot, unless the mark has come down below it: then the lowest free slot, so that
        // threads move down after a shrink instead of raising the mark again.
        if (preferred >= 0 && (preferred < SHRINK_FLOOR || preferred < highWater >>> 1)
                && claimExactly(preferred, value)) {
            return preferred;
        }
        return claimSlow(value);
    }

    /** Claims slot {@code slot} if it is free, and covers it; true if claimed. */
    static boolean claimExactly(int slot, long value) {
        if (SLOT.compareAndSet(SLOTS, index(slot), FREE, value)) {
            cover(slot);
            return true;
        }
        return false;
    }

    private static int claimSlow(long value) {
        for (int i = 0; i < CAPACITY; i++) {
            if ((long) SLOT.getVolatile(SLOTS, index(i)) == FREE && claimExactly(i, value)) {
                return i;
            }
        }
        return -1;
    }

    /** After claiming slot {@code i}, before reading the clock: makes the mark cover it (see the class comment). */
    private static void cover(int i) {
        for (int round = 0; ; round++) {
            int w = highWater;
            if (w >>> 1 > i && ((w & SHRINKING) == 0 || i < SHRINK_FLOOR)) {
                return; // a shrink never goes below the floor
            }
            if ((w & SHRINKING) != 0) {
                Backoff.pause(round); // a shrinker's scan of at most CAPACITY slots
                continue;
            }
            if (HIGH_WATER.compareAndSet(w, (i + 1) << 1)) {
                return;
            }
        }
    }

    private static int index(int slot) {
        return (slot + 1) * STRIDE;
    }

    /** Raises the caller's published snapshot (after a successful snapshot extension). */
    static void update(int slot, long value) {
        SLOT.setRelease(SLOTS, index(slot), value);
    }

    /**
     * Frees the caller's slot, and brings the mark down if it was the top one
     * above the floor. Below the floor a release store (nothing the caller did
     * needs ordering after it); above, volatile (see the class comment).
     */
    static void release(int slot) {
        if (slot < SHRINK_FLOOR) {
            SLOT.setRelease(SLOTS, index(slot), FREE);
            return;
        }
        SLOT.setVolatile(SLOTS, index(slot), FREE);
        int w = highWater;
        if (w == (slot + 1) << 1) {
            shrink(w);
        }
    }

    /** Lowers the mark from {@code w} (no shrink under way) to just above the highest claimed slot, or the floor. */
    static void shrink(int w) {
        while (w >= 0 && beginShrink(w)) {
            try {
                w = publishTop(scanTop(w));
            } catch (Throwable e) {
                // (StackOverflowError, say.) Never leave the bit set: claimers would wait forever.
                // The mark we started from is at least the true one, so it is always safe; a CAS,
                // because if the new mark was already stored a claimer may have raised it since.
                HIGH_WATER.compareAndSet(w | SHRINKING, w);
                throw e;
            }
        }
    }

    /** Takes the shrinking bit if the mark is still {@code w}; true if taken. */
    static boolean beginShrink(int w) {
        return HIGH_WATER.compareAndSet(w, w | SHRINKING);
    }

    /** For the holder of the bit, taken on mark {@code w}: one more than the highest claimed slot, or the floor. */
    static int scanTop(int w) {
        int top = w >>> 1;
        while (canShrinkBelow(top)) {
            top--;
        }
        return top;
    }

    /** True if the mark {@code top} is above the floor and the slot just under it is free. */
    private static boolean canShrinkBelow(int top) {
        return top > SHRINK_FLOOR && (long) SLOT.getVolatile(SLOTS, index(top - 1)) == FREE;
    }

    /**
     * For the holder of the bit: stores the mark {@code top} (clearing the bit).
     * Returns the new mark if the slot just under it was freed meanwhile (its
     * releaser saw the bit and left the shrinking to us: go again), else -1.
     */
    static int publishTop(int top) {
        int mark = top << 1;
        highWater = mark; // only the holder of the bit writes the mark while it is set
        return canShrinkBelow(top) ? mark : -1;
    }

    /** What slot {@code slot} publishes ({@link #FREE} if free; tests). */
    static long oldestOf(int slot) {
        return (long) SLOT.getVolatile(SLOTS, index(slot));
    }

    /** The mark as stored (tests): {@code top << 1}, plus 1 while a shrink is under way. */
    static int mark() {
        return highWater;
    }

    /** The slots committers scan now (tests and diagnostics). */
    static int scanBound() {
        return highWater >>> 1;
    }

    /**
     * The oldest published snapshot, or {@link #FREE} if none. Must be called
     * after the caller took its commit version with {@link GlobalClock#tick()}.
     */
    static long oldest() {
        int hw = highWater >>> 1; // during a shrink, the old (larger) mark
        long min = FREE;
        for (int i = 0; i < hw; i++) {
            long v = (long) SLOT.getVolatile(SLOTS, index(i));
            if (v < min) {
                min = v;
            }
        }
        return min;
    }

}
