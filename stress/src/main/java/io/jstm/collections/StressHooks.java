package io.jstm.collections;

/**
 * Reaches package-private housekeeping of the collections for the jcstress
 * tests (same package, other jar: the runner's classpath is flat).
 */
public final class StressHooks {
    private StressHooks() {}

    /** Runs one sweep of {@code map}'s key table, outside any transaction. */
    public static void sweep(TMap<?, ?> map) {
        map.table().sweep();
    }

    /** The cells in {@code map}'s key table, retired ones waiting to be unlinked included. */
    public static long cells(TMap<?, ?> map) {
        return map.table().cellCount();
    }
}
