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

    /**
     * Entry kinds, allocated on the first commute: {@link #WRITE} (the value is in
     * objects/longs), or {@link #COMMUTE} (objects[i] holds the pending functions,
     * one function or an {@code Object[]} of them, oldest first, applied to the
     * latest committed value at commit time). Null means every entry is a WRITE.
     */
    private byte[] kinds;
    int commutes;
    static final byte WRITE = 0, COMMUTE = 1;

    /** Open-addressing index: slot holds entry index + 1, 0 = empty. Null while size <= LINEAR_LIMIT. */
    private int[] index;

    /** Entries below this index must be logged before they are overwritten (0 = no open checkpoint). */
    private int undoFloor;
    private int[] undoAt = new int[0];
    private Object[] undoObjects = new Object[0];
    private long[] undoLongs = new long[0];
    private byte[] undoKinds = new byte[0];
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
        } else {
            prepareOverwrite(i);
        }
        objects[i] = v;
    }

    void putLong(Cell c, long v) {
        int i = find(c);
        if (i < 0) {
            i = append(c);
        } else {
            prepareOverwrite(i);
        }
        longs[i] = v;
    }

    /** Before entry {@code i} is overwritten: log it for partial rollback and make it a plain write. */
    private void prepareOverwrite(int i) {
        if (i < undoFloor) {
            logOnce(i);
        }
        if (kinds != null && kinds[i] == COMMUTE) {
            kinds[i] = WRITE;
            commutes--;
        }
    }

    /**
     * Buffers element {@code k} of stripe {@code s} := {@code v}. The stripe's
     * entry holds a {@link LongStripe.Buffer}; a buffer that an open checkpoint
     * may have to restore (made before it opened) is logged untouched and
     * replaced by a copy, as commute chains are.
     */
    void putElement(LongStripe s, int k, long v) {
        int i = find(s);
        LongStripe.Buffer b;
        if (i < 0) {
            b = new LongStripe.Buffer(epoch, s.size()); // before the entry exists: an entry must never lack its buffer
            i = append(s);
            objects[i] = b;
        } else {
            b = (LongStripe.Buffer) objects[i];
            if (i < undoFloor && b.epoch != epoch) {
                logUndo(i);
                b = b.copy(epoch);
                objects[i] = b;
            }
        }
        b.set(k, v);
    }

    boolean isCommute(int i) {
        return kinds != null && kinds[i] == COMMUTE;
    }

    /**
     * Adds {@code f} to the commutes pending on {@code c}, for a cell this
     * transaction has neither read nor written; returns false (doing nothing) if it
     * has written it, in which case the caller applies {@code f} to the buffered value.
     */
    boolean addCommute(Cell c, Object f) {
        int i = find(c);
        if (i >= 0) {
            if (!isCommute(i)) {
                return false;
            }
            // Each branch logs the entry at most once, and only when it replaces what a checkpoint may restore.
            Object pending = objects[i];
            if (pending instanceof Chain) {
                Chain chain = (Chain) pending;
                if (i < undoFloor && chain.epoch != epoch) {
                    // The chain predates the open checkpoint: log it untouched, append to a copy.
                    logUndo(i);
                    chain = chain.copy(epoch);
                    objects[i] = chain;
                }
                chain.add(f);
            } else {
                if (i < undoFloor) {
                    logUndo(i);
                }
                Chain chain = new Chain(epoch, pending);
                chain.add(f);
                objects[i] = chain;
            }
            return true;
        }
        if (kinds == null) {
            kinds = new byte[cells.length]; // before the entry exists: it must not be taken for a plain write
        }
        i = append(c); // grows kinds with the other arrays
        kinds[i] = COMMUTE;
        commutes++;
        objects[i] = f;
        return true;
    }

    /**
     * Several functions pending on one commute entry, oldest first: appended in
     * place (amortized O(1), so a transaction may commute one ref any number of
     * times). A chain is never changed once an open checkpoint's undo log may
     * hold it: the first append in a new checkpoint {@link #epoch} copies it.
     */
    private static final class Chain {
        final int epoch;
        Object[] fns;
        int n;

        Chain(int epoch, Object first) {
            this.epoch = epoch;
            this.fns = new Object[4];
            this.fns[0] = first;
            this.n = 1;
        }

        private Chain(int epoch, Object[] fns, int n) {
            this.epoch = epoch;
            this.fns = fns;
            this.n = n;
        }

        void add(Object f) {
            if (n == fns.length) {
                fns = Arrays.copyOf(fns, n << 1);
            }
            fns[n++] = f;
        }

        Chain copy(int epoch) {
            return new Chain(epoch, Arrays.copyOf(fns, Math.max(4, n << 1)), n);
        }
    }

    /** Changes whenever a checkpoint opens, closes or rolls back: chains made in an earlier epoch may be in an undo log. */
    private int epoch;
    /**
     * The epoch in which entry {@code i}'s plain value was last logged
     * ({@link #logOnce}). Within one epoch the innermost open checkpoint and its
     * undo mark stay the same, so the first log already holds the value to
     * restore: logging each later overwrite too made a loop of N overwrites
     * inside a nested block hold N undo entries. Set for an entry when it is
     * appended (to an epoch it cannot be logged in: entries appended since the
     * checkpoint opened are above the floor and never logged until the next).
     */
    private int[] loggedIn = new int[INITIAL];

    /** How many functions are pending on commute entry {@code i}. */
    int pendingCount(int i) {
        Object pending = objects[i];
        return pending instanceof Chain ? ((Chain) pending).n : 1;
    }

    /** The {@code k}-th (oldest first) function pending on commute entry {@code i}. */
    Object pendingAt(int i, int k) {
        Object pending = objects[i];
        return pending instanceof Chain ? ((Chain) pending).fns[k] : pending;
    }

    /** Replaces commute entry {@code i} by a plain write of {@code v} (after the pending functions were applied). */
    void resolveObject(int i, Object v) {
        if (i < undoFloor) {
            logOnce(i);
        }
        kinds[i] = WRITE;
        commutes--;
        objects[i] = v;
    }

    /** Like {@link #resolveObject} for a long cell. */
    void resolveLong(int i, long v) {
        if (i < undoFloor) {
            logOnce(i);
        }
        kinds[i] = WRITE;
        commutes--;
        objects[i] = null;
        longs[i] = v;
    }

    /** Stores the value computed at commit for commute entry {@code i}; the entry stays a commute. */
    void setCommittedObject(int i, Object v) {
        objects[i] = v;
    }

    void setCommittedLong(int i, long v) {
        longs[i] = v;
    }

    private int append(Cell c) {
        int n = size;
        if (n == cells.length) {
            grow();
        }
        cells[n] = c;
        loggedIn[n] = epoch;
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

    /** Doubles the arrays; allocates every copy before replacing any, so a failure (out of memory) leaves them consistent. */
    private void grow() {
        int cap = cells.length << 1;
        Cell[] cs = Arrays.copyOf(cells, cap);
        Object[] os = Arrays.copyOf(objects, cap);
        long[] ls = Arrays.copyOf(longs, cap);
        byte[] ks = kinds == null ? null : Arrays.copyOf(kinds, cap);
        int[] lg = Arrays.copyOf(loggedIn, cap);
        cells = cs;
        objects = os;
        longs = ls;
        kinds = ks;
        loggedIn = lg;
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

    /** Logs entry {@code i} unless it was logged in this epoch already (see {@link #loggedIn}). */
    private void logOnce(int i) {
        if (loggedIn[i] != epoch) {
            logUndo(i);
            loggedIn[i] = epoch;
        }
    }

    private void logUndo(int i) {
        int u = undoSize;
        if (u == undoAt.length) {
            int cap = Math.max(8, u << 1);
            undoAt = Arrays.copyOf(undoAt, cap);
            undoObjects = Arrays.copyOf(undoObjects, cap);
            undoLongs = Arrays.copyOf(undoLongs, cap);
            undoKinds = Arrays.copyOf(undoKinds, cap);
        }
        undoAt[u] = i;
        undoObjects[u] = objects[i];
        undoLongs[u] = longs[i];
        undoKinds[u] = kinds == null ? WRITE : kinds[i];
        undoSize = u + 1;
    }

    /** Opens a checkpoint; returns the previous undo floor (to pass to {@link #closeCheckpoint}). */
    long openCheckpoint() {
        long saved = ((long) undoFloor << 32) | (size & 0xFFFFFFFFL);
        undoFloor = size;
        epoch++;
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
            if (kinds != null && kinds[i] != undoKinds[u]) {
                commutes += undoKinds[u] == COMMUTE ? 1 : -1;
                kinds[i] = undoKinds[u];
            }
            undoObjects[u] = null;
        }
        undoSize = undoMark;
        if (kinds != null) {
            for (int i = entries; i < size; i++) {
                if (kinds[i] == COMMUTE) {
                    commutes--;
                }
                kinds[i] = WRITE;
            }
        }
        Arrays.fill(cells, entries, size, null);
        Arrays.fill(objects, entries, size, null);
        size = entries;
        if (index != null) {
            rebuildIndex();
        }
        // A new epoch: the logs just undone are gone, so entries logged in this epoch must log
        // again if written before the checkpoint closes (an afterRollback hook of the undone part
        // runs in that window, inside the enclosing transaction).
        epoch++;
    }

    /** Closes a checkpoint, restoring the enclosing one's undo floor. */
    void closeCheckpoint(long saved) {
        undoFloor = (int) (saved >>> 32);
        epoch++;
        if (undoFloor == 0) {
            Arrays.fill(undoObjects, 0, undoSize, null);
            undoSize = 0;
        }
    }

    void clear() {
        int n = size;
        if (n == 0 && undoSize == 0) {
            index = null;
            undoFloor = 0;
            return;
        }
        if (cells.length > SHRINK_ABOVE) {
            cells = new Cell[INITIAL];
            objects = new Object[INITIAL];
            longs = new long[INITIAL];
            loggedIn = new int[INITIAL];
            kinds = null;
            commutes = 0;
        } else {
            Cell[] cs = cells;
            Object[] os = objects;
            for (int i = 0; i < n; i++) {
                cs[i] = null;
                os[i] = null;
            }
        }
        size = 0;
        index = null;
        undoFloor = 0;
        if (commutes != 0 && kinds != null) {
            for (int i = 0; i < n; i++) {
                kinds[i] = WRITE;
            }
            commutes = 0;
        }
        if (undoAt.length > SHRINK_ABOVE) {
            // One transaction with a huge undo log must not leave the thread's descriptor holding it.
            undoAt = new int[0];
            undoObjects = new Object[0];
            undoLongs = new long[0];
            undoKinds = new byte[0];
        } else if (undoSize > 0) {
            Arrays.fill(undoObjects, 0, undoSize, null);
        }
        undoSize = 0;
    }

    /** Capacity of the undo log (tests). */
    int undoCapacity() {
        return undoAt.length;
    }
}
