package io.jstm.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The global version clock (TL2/LSA).
 *
 * <h2>Overview</h2>
 * Every writing commit takes a fresh commit version with {@link #tick()}; every
 * transaction reads the clock at start to fix its snapshot. A cell's lock word
 * carries the commit version that wrote its current value, so "version &lt;=
 * snapshot" means "committed before my snapshot was taken".
 *
 * <p>The counter is the one word every committer writes, so it sits alone on
 * its cache line (padding on both sides) to avoid false sharing with anything
 * else in the heap.
 */
public final class GlobalClock {
    // Padding before and after the hot word. Field layout in HotSpot groups longs
    // together, and subclass fields come after superclass fields, so the
    // superclass/subclass sandwich below keeps {@code now} isolated.
    static class PadBefore { long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15; }

    static class Value extends PadBefore {
        /** The last commit version handed out. Read with volatile semantics (it is the
         *  store/load pair of the Dekker handshakes with {@link SnapshotRegistry} and
         *  retry waiters); advanced only by {@link #tick()} (an atomic add). */
        long now;
    }

    static final class Padded extends Value { long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15; }

    private static final Padded CLOCK = new Padded();
    private static final VarHandle NOW;

    static {
        try {
            NOW = MethodHandles.lookup().findVarHandle(Value.class, "now", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private GlobalClock() {}

    /** The current clock value (volatile read). */
    public static long now() {
        return (long) NOW.getVolatile(CLOCK);
    }

    /** Advances the clock and returns the new commit version (atomic add, full fence). */
    public static long tick() {
        return (long) NOW.getAndAdd(CLOCK, 1L) + 1L;
    }
}
