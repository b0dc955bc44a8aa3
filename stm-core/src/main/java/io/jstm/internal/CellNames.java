package io.jstm.internal;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Stable generated descriptions ("Ref#17") for unnamed refs, assigned on first
 * request (only abort reports ask), so that a ref needs no id field. The map is
 * weak: an unnamed ref that dies takes its number with it. A lock, not
 * {@code synchronized}, so that a virtual thread never pins here.
 */
public final class CellNames {
    private static final Map<Object, String> NAMES = new WeakHashMap<>();
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static int next = 1;

    private CellNames() {}

    public static String describe(Object cell, String kind) {
        LOCK.lock();
        try {
            String n = NAMES.get(cell);
            if (n == null) {
                n = kind + "#" + next++;
                NAMES.put(cell, n);
            }
            return n;
        } finally {
            LOCK.unlock();
        }
    }
}
