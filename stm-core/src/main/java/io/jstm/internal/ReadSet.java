package io.jstm.internal;

import java.util.Arrays;

/**
 * The cells an attempt has read (invisible reads, TL2-style).
 *
 * <h2>Overview</h2>
 * An append-only array owned by one transaction descriptor and reused across
 * transactions. Entries may repeat (deduplicating costs more than revalidating
 * a few duplicates). A read is valid while the cell's version is still at most
 * the transaction's snapshot and no other committer holds its lock.
 * After a transaction the used prefix is cleared so that the descriptor does
 * not keep garbage alive, and an array grown very large is dropped.
 */
final class ReadSet {
    private static final int INITIAL = 32;
    private static final int SHRINK_ABOVE = 1 << 14;

    Cell[] cells = new Cell[INITIAL];
    int size;

    void add(Cell c) {
        int n = size;
        if (n == cells.length) {
            cells = Arrays.copyOf(cells, n << 1);
        }
        cells[n] = c;
        size = n + 1;
    }

    /**
     * Stripes logged recently in this attempt, direct-mapped by stripe index: a
     * read of another element of a logged stripe (Lee's wavefront reads the 8
     * elements of a stripe one after the other, and neighbours again a row
     * later) adds nothing. Only ever a filter: a hit means the stripe is in
     * {@link #cells}, because the table is emptied whenever the cells are
     * forgotten ({@link #clear}). Null until the first stripe read; 16 KB per
     * descriptor after it. 4,096 entries cover about 54 rows of a 600-wide grid:
     * on Lee's mainboard, 512 left read-set appends at 8% of the routing time
     * (async-profiler), 4,096 at under 2%.
     */
    private Cell[] recentStripes;
    private static final int RECENT = 4096;
    /** True once a stripe entered {@link #recentStripes} since the last clear. */
    private boolean stripesUsed;

    /** Logs a read of {@code s} unless this attempt logged it recently. */
    void addStripe(LongStripe s) {
        Cell[] recent = recentStripes;
        if (recent == null) {
            recent = recentStripes = new Cell[RECENT];
        }
        int h = s.index & (RECENT - 1);
        if (recent[h] == s) {
            return;
        }
        add(s); // first: if it fails (out of memory), the filter must not claim the stripe is logged
        recent[h] = s;
        stripesUsed = true;
    }

    /**
     * Returns the first read that is no longer valid for {@code snapshot}: its
     * version is newer, or a committer other than the caller holds it. Cells
     * locked by the caller itself (present in {@code own}) are valid if their
     * version is.
     */
    Cell firstInvalid(long snapshot, WriteSet own) {
        Cell[] cs = cells;
        for (int i = 0, n = size; i < n; i++) {
            Cell c = cs[i];
            long w = c.wordAcquire();
            if (LockWord.version(w) > snapshot) {
                return c;
            }
            if (LockWord.isLocked(w) && (own == null || own.find(c) < 0)) {
                return c;
            }
        }
        return null;
    }

    /**
     * Forgets the reads (nulling the used prefix, so the descriptor keeps no
     * garbage alive). A large array is kept while transactions keep needing it
     * (big read sets, such as Lee routing's, would otherwise regrow it every
     * time) and dropped after {@link #IDLE_LIMIT} transactions that used less
     * than a quarter of it.
     */
    void clear() {
        int n = size;
        if (stripesUsed) {
            forgetStripes(n);
        }
        Cell[] cs = cells;
        if (cs.length > SHRINK_ABOVE) {
            if (n < cs.length >>> 2) {
                if (++idle > IDLE_LIMIT) {
                    cells = new Cell[INITIAL];
                    idle = 0;
                    size = 0;
                    return;
                }
            } else {
                idle = 0;
            }
        }
        for (int i = 0; i < n; i++) {
            cs[i] = null;
        }
        size = 0;
    }

    /** Empties {@link #recentStripes}: slot by slot when few cells were read (each filter entry is among them), else all. */
    private void forgetStripes(int n) {
        Cell[] recent = recentStripes;
        if (n < RECENT / 4) {
            Cell[] cs = cells;
            for (int i = 0; i < n; i++) {
                if (cs[i] instanceof LongStripe) {
                    int h = ((LongStripe) cs[i]).index & (RECENT - 1);
                    if (recent[h] == cs[i]) {
                        recent[h] = null;
                    }
                }
            }
        } else {
            Arrays.fill(recent, null);
        }
        stripesUsed = false;
    }

    private static final int IDLE_LIMIT = 16;
    /** Consecutive transactions that used little of a large array. */
    private int idle;
}
