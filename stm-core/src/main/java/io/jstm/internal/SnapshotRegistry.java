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
 * Reader: claim slot (CAS, volatile), then read the clock (volatile) to get its
 * snapshot {@code s}. Committer: advance the clock to {@code t} (atomic add),
 * then read {@link #highWater} and the slots (volatile). All four accesses are
 * sequentially consistent, so if the committer's read of the slot misses the
 * reader's claim, the claim came after that read, which came after the tick,
 * so the reader's clock read returns {@code s >= t}: the reader never needs
 * the value replaced at {@code t}. The same argument covers a reader that
 * raises {@link #highWater} before claiming a new slot.
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
    /** One more than the highest slot index ever claimed; only grows. Volatile (part of the handshake). */
    private static volatile int highWater;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle HIGH_WATER;

    static {
        try {
            HIGH_WATER = MethodHandles.lookup().findStaticVarHandle(SnapshotRegistry.class, "highWater", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        for (int i = 0; i < CAPACITY; i++) {
            SLOTS[(i + 1) * STRIDE] = FREE;
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
        if (preferred >= 0 && SLOT.compareAndSet(SLOTS, (preferred + 1) * STRIDE, FREE, value)) {
            return preferred;
        }
        return claimSlow(value);
    }

    private static int claimSlow(long value) {
        for (int i = 0; i < CAPACITY; i++) {
            int idx = (i + 1) * STRIDE;
            if ((long) SLOT.getVolatile(SLOTS, idx) == FREE) {
                // Raise the high-water mark before claiming, so a committer that
                // scans after our claim is guaranteed to include this slot.
                int hw;
                while ((hw = highWater) <= i) {
                    HIGH_WATER.compareAndSet(hw, i + 1);
                }
                if (SLOT.compareAndSet(SLOTS, idx, FREE, value)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Raises the caller's published snapshot (after a successful snapshot extension). */
    static void update(int slot, long value) {
        SLOT.setRelease(SLOTS, (slot + 1) * STRIDE, value);
    }

    /** Frees the caller's slot. Release: nothing the caller did needs ordering after it. */
    static void release(int slot) {
        SLOT.setRelease(SLOTS, (slot + 1) * STRIDE, FREE);
    }

    /**
     * The oldest published snapshot, or {@link #FREE} if none. Must be called
     * after the caller took its commit version with {@link GlobalClock#tick()}.
     */
    static long oldest() {
        int hw = highWater;
        long min = FREE;
        for (int i = 0; i < hw; i++) {
            long v = (long) SLOT.getVolatile(SLOTS, (i + 1) * STRIDE);
            if (v < min) {
                min = v;
            }
        }
        return min;
    }

}
