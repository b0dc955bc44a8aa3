package io.jstm.internal;

import java.util.Arrays;

/**
 * Buffered writes of one transaction (redo log), with an undo log for partial
 * rollback.
 *
 * <h2>Overview</h2>
 * Parallel arrays: entry {@code i} maps {@code cells[i]} to its new value in
 * {@code objects[i]} (object cells) or {@code longs[i]} (long cells). Up to
 * {@link #LINEAR_LIMIT} entries a lookup is a linear scan of identity
 * comparisons (no hashing at all on the small-transaction path); beyond that an
 * open-addressing index on {@link System#identityHashCode} is kept.
 *
 * <p>Partial rollback (a nested {@code atomic} that throws, a discarded
 * {@code orElse} branch) uses checkpoints: a checkpoint records the entry count
 * and the undo-log length; while a checkpoint is open, overwriting an entry
 * older than it first logs the old value. Rolling back restores the logged
 * values, in reverse, and truncates the entries.
 *
 * <p>Owned by one thread; no concurrency. Committers read it during their own commit.
 */
final class WriteSet {
    static final int LINEAR_LIMIT = 8;
    private static final int INITIAL = 8;
    private static final int SHRINK_ABOVE = 1 << 12;

    Cell[] cells = new Cell[INITIAL];
    private Object[] objects = new Object[INITIAL];
    private long[] longs = new long[INITIAL];
    int size;

    /** Open-addressing index: slot holds entry index + 1, 0 = empty. Null while size <= LINEAR_LIMIT. */
    private int[] index;

    /** Entries below this index must be logged before they are overwritten (0 = no open checkpoint). */
    private int undoFloor;
    private int[] undoAt = new int[0];
    private Object[] undoObjects = new Object[0];
    private long[] undoLongs = new long[0];
    private int undoSize;

    int find(Cell c) {
        int n = size;
        if (index == null) {
            Cell[] cs = cells;
            for (int i = 0; i < n; i++) {
                if (cs[i] == c) {
                    return i;
                }
            }
            return -1;
        }
        return findIndexed(c);
    }

    private int findIndexed(Cell c) {
        int[] idx = index;
        int mask = idx.length - 1;
        int h = hash(c) & mask;
        for (;;) {
            int e = idx[h];
            if (e == 0) {
                return -1;
            }
            if (cells[e - 1] == c) {
                return e - 1;
            }
            h = (h + 1) & mask;
        }
    }

    Object objectAt(int i) {
        return objects[i];
    }

    long longAt(int i) {
        return longs[i];
    }

    void putObject(Cell c, Object v) {
        int i = find(c);
        if (i < 0) {
            i = append(c);
        } else if (i < undoFloor) {
            logUndo(i);
        }
        objects[i] = v;
    }

    void putLong(Cell c, long v) {
        int i = find(c);
        if (i < 0) {
            i = append(c);
        } else if (i < undoFloor) {
            logUndo(i);
        }
        longs[i] = v;
    }

    private int append(Cell c) {
        int n = size;
        if (n == cells.length) {
            grow();
        }
        cells[n] = c;
        size = n + 1;
        if (index != null) {
            insertIndex(c, n);
            if ((n + 1) * 2 > index.length) {
                rebuildIndex();
            }
        } else if (n + 1 > LINEAR_LIMIT) {
            rebuildIndex();
        }
        return n;
    }

    private void grow() {
        int cap = cells.length << 1;
        cells = Arrays.copyOf(cells, cap);
        objects = Arrays.copyOf(objects, cap);
        longs = Arrays.copyOf(longs, cap);
    }

    private static int hash(Cell c) {
        int h = System.identityHashCode(c) * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private void insertIndex(Cell c, int entry) {
        int[] idx = index;
        int mask = idx.length - 1;
        int h = hash(c) & mask;
        while (idx[h] != 0) {
            h = (h + 1) & mask;
        }
        idx[h] = entry + 1;
    }

    private void rebuildIndex() {
        int n = size;
        if (n <= LINEAR_LIMIT) {
            index = null;
            return;
        }
        int cap = Integer.highestOneBit(n * 4 - 1) << 1;
        index = new int[Math.max(cap, 32)];
        for (int i = 0; i < n; i++) {
            insertIndex(cells[i], i);
        }
    }

    private void logUndo(int i) {
        int u = undoSize;
        if (u == undoAt.length) {
            int cap = Math.max(8, u << 1);
            undoAt = Arrays.copyOf(undoAt, cap);
            undoObjects = Arrays.copyOf(undoObjects, cap);
            undoLongs = Arrays.copyOf(undoLongs, cap);
        }
        undoAt[u] = i;
        undoObjects[u] = objects[i];
        undoLongs[u] = longs[i];
        undoSize = u + 1;
    }

    /** Opens a checkpoint; returns the previous undo floor (to pass to {@link #closeCheckpoint}). */
    long openCheckpoint() {
        long saved = ((long) undoFloor << 32) | (size & 0xFFFFFFFFL);
        undoFloor = size;
        return saved;
    }

    /** Packs the current undo-log length; the rollback position of the checkpoint just opened. */
    int undoMark() {
        return undoSize;
    }

    /** Undoes everything written since the checkpoint ({@code entries}, {@code undoMark}). */
    void rollbackTo(int entries, int undoMark) {
        for (int u = undoSize - 1; u >= undoMark; u--) {
            int i = undoAt[u];
            objects[i] = undoObjects[u];
            longs[i] = undoLongs[u];
            undoObjects[u] = null;
        }
        undoSize = undoMark;
        Arrays.fill(cells, entries, size, null);
        Arrays.fill(objects, entries, size, null);
        size = entries;
        if (index != null) {
            rebuildIndex();
        }
    }

    /** Closes a checkpoint, restoring the enclosing one's undo floor. */
    void closeCheckpoint(long saved) {
        undoFloor = (int) (saved >>> 32);
        if (undoFloor == 0) {
            Arrays.fill(undoObjects, 0, undoSize, null);
            undoSize = 0;
        }
    }

    void clear() {
        int n = size;
        if (cells.length > SHRINK_ABOVE) {
            cells = new Cell[INITIAL];
            objects = new Object[INITIAL];
            longs = new long[INITIAL];
        } else {
            Arrays.fill(cells, 0, n, null);
            Arrays.fill(objects, 0, n, null);
        }
        size = 0;
        index = null;
        undoFloor = 0;
        if (undoSize > 0) {
            Arrays.fill(undoObjects, 0, undoSize, null);
            undoSize = 0;
        }
    }
}
