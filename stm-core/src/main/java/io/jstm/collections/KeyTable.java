package io.jstm.collections;

import io.jstm.Ref;
import io.jstm.Stm;
import io.jstm.internal.Direct;
import io.jstm.internal.Reclamation;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transactional key table behind {@link TMap} and {@link TSet}: a ref per
 * key, found through a plain concurrent index (transactional predication, after
 * Bronson, Casper, Chafi and Olukotun, PODC 2010).
 *
 * <h2>Overview</h2>
 * A {@link ConcurrentHashMap} maps each key to its <em>cell</em>, a
 * {@link Ref} that holds the key's value (for a set, {@link #PRESENT}) while
 * the key is in the table and {@link #ABSENT} while it is not. The index itself
 * is not transactional: a cell is added the first time any transaction looks
 * the key up, present or not, and a new cell holding {@code ABSENT} means what
 * no cell meant, so adding one changes nothing a transaction can observe.
 * Every question about a key is then a transactional read of its cell, and
 * every change a write of it. So:
 * <ul>
 *   <li>Operations on different keys touch different refs and never
 *       conflict, whatever their hashes: there are no shared leaves, buckets or
 *       table refs to collide on.</li>
 *   <li>The element count lives in a {@link SizeCounter}, updated by inserts
 *       and removes with commutes (no conflict either).</li>
 *   <li>{@link #size()}, a walk ({@link Cursor}) and {@link #clear()} read
 *       every count stripe. The stripes are what makes a walk safe from
 *       phantoms: a key made present by a commit the walk's snapshot includes
 *       had its cell in the index before that commit, so the walk finds it; a
 *       commit the walk missed changed a stripe the walk read, so the walk
 *       cannot extend its snapshot past it.</li>
 * </ul>
 *
 * <h2>Reclaiming the cells of absent keys</h2>
 * Looking up absent keys leaves cells behind, so sweeps drop them again (see
 * {@link Reclamation} for the engine side). A cell goes in three steps, each
 * in a later sweep than the one before:
 * <ol>
 *   <li><b>Candidate.</b> A sweep notes every cell that holds {@code ABSENT},
 *       with the version it committed that at.</li>
 *   <li><b>Retired.</b> The next sweep writes {@link #RETIRED} into each
 *       candidate still {@code ABSENT} at that version: one write each, outside
 *       any transaction, that never waits (a cell that a committer holds or the
 *       inevitable transaction marked is left alone). A transaction that read
 *       the cell before and would write it (insert the key) then fails
 *       validation and re-runs; one that reads it after sees {@code RETIRED}.
 *       Taking only cells that stayed absent and unwritten for a whole sweep
 *       interval spares the usual "look the key up, then insert it"
 *       transaction. The sweep then reads the clock.</li>
 *   <li><b>Unlinked.</b> A later sweep removes a sweep's retired cells from the
 *       index once every registered reader's snapshot has reached that clock
 *       value (only registered readers read old versions); first it raises
 *       {@link #floor} to the value.</li>
 * </ol>
 * A {@code RETIRED} cell is never written again. A transaction that finds its
 * key's cell retired puts a successor in its place in the index
 * ({@link Reclamation#succeed}: the successor holds {@code ABSENT} as of the
 * retirement and keeps the older versions), and uses that. A cell made afresh
 * for a key (after an unlink, or the first time) starts at {@link #floor}: a
 * transaction with an older snapshot must extend it to read the cell, so it
 * cannot see the key absent next to values older than the retirement; a walk
 * over the index checks its snapshot against the floor for the same reason.
 *
 * <p>A sweep runs after a transaction that added a cell commits, when the
 * index holds more than twice the cells the last sweep kept (at least
 * {@link #MIN_SWEEP}) plus those on their way out; it scans the whole index,
 * so its cost is amortized over the cells added since. While an old reader
 * keeps retired cells from being unlinked, a sweep only looks again after
 * {@link #RECHECK} more cells, without scanning.
 *
 * <p>All methods but the sweep, {@link #latest} and {@link #replaceLatest}
 * must run inside a transaction (callers use {@link Atomically}); those three
 * run outside one. Keys and values are never null here; the public classes
 * check.
 */
final class KeyTable {
    /** A marker value of a cell; its name shows in debuggers. */
    private static final class Marker {
        private final String name;

        Marker(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A cell's value while its key is not in the table. */
    static final Object ABSENT = new Marker("absent");
    /** A cell's final value once a sweep retired it; its key is not in the table. */
    static final Object RETIRED = new Marker("retired");
    /** A set's cell's value while its element is in the set. */
    static final Object PRESENT = new Marker("present");

    /** No sweep while the index holds fewer cells than this. */
    static final int MIN_SWEEP = 1024;
    /** New cells between two requests for a sweep. */
    static final int REQUEST_SPACING = 64;
    /** New cells before a sweep held up by an old reader looks again. */
    static final int RECHECK = 256;

    private final ConcurrentHashMap<Object, Ref<Object>> cells = new ConcurrentHashMap<>();
    private final SizeCounter count = new SizeCounter();
    /** The name of cells in abort info and conflict reports. */
    private final String cellName;

    /**
     * The version a new cell starts at: a clock value at least the retirement
     * version of every cell unlinked so far. Raised only by the sweeper (the
     * holder of {@link #sweeping}) before it unlinks; volatile, so a thread that
     * no longer finds an unlinked cell in the index (the index's removal
     * synchronizes with its lookup) reads the raised value.
     */
    private volatile long floor;
    /** Sweep when the index holds more cells than this. Written by the sweeper; read racily (volatile). */
    private volatile long sweepAt = MIN_SWEEP;
    /** The index's size when a sweep was last requested; racy (volatile), only spaces requests out. */
    private volatile long requestedAt;
    /** 1 while a sweep runs (CAS), so one thread sweeps at a time. */
    private volatile int sweeping;

    // The sweeper's alone (guarded by sweeping):
    /** A cell of the index, its key, and the version it was seen absent at. */
    private record Noted(Object key, Ref<Object> cell, long version) {}

    /** Cells seen absent by the last sweep. */
    private ArrayList<Noted> candidates = new ArrayList<>();

    /** Cells one sweep retired, and a clock value read after they were all retired. */
    private record Retired(ArrayList<Noted> cells, long clock) {}

    /** Retired cells waiting for old readers, oldest sweep first. */
    private final ArrayDeque<Retired> waiting = new ArrayDeque<>();
    /** The cells in {@link #waiting}. */
    private long waitingCells;
    /** Cells unlinked so far (tests); read after joining the sweeper. */
    private long unlinked;

    private static final VarHandle SWEEPING;

    static {
        try {
            SWEEPING = MethodHandles.lookup().findVarHandle(KeyTable.class, "sweeping", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    KeyTable(String cellName) {
        this.cellName = cellName;
    }

    static boolean isAbsent(Object value) {
        return value == ABSENT || value == RETIRED;
    }

    // ----------------------------------------------------------------- cells

    /** The key's cell, not retired as the transaction sees it; adds one if the index has none. */
    private Ref<Object> cell(Object key) {
        for (;;) {
            Ref<Object> c = linked(key);
            if (c.get() != RETIRED) {
                return c;
            }
            succeed(key, c);
        }
    }

    /** The cell the index holds for {@code key}, retired or not; adds one if it has none. */
    private Ref<Object> linked(Object key) {
        Ref<Object> c = cells.get(key);
        if (c == null) {
            c = cells.computeIfAbsent(key, k -> fresh(floor));
            long n = cells.mappingCount();
            if (n > sweepAt) {
                requestSweep(n);
            }
        }
        return c;
    }

    /**
     * A new cell holding ABSENT, committed at {@code version}. Called inside
     * {@code computeIfAbsent}, after the index has been found without a cell for
     * the key, so {@code version} (read then) covers any unlink of an earlier one.
     */
    private Ref<Object> fresh(long version) {
        Ref<Object> c = Ref.named(cellName, ABSENT);
        Reclamation.startAt(c, version);
        return c;
    }

    /** Puts a successor in place of retired cell {@code old}, unless someone already replaced or unlinked it. */
    private void succeed(Object key, Ref<Object> old) {
        Ref<Object> next = Ref.named(cellName, ABSENT);
        Reclamation.succeed(next, old);
        cells.replace(key, old, next);
    }

    // --------------------------------------------------------------- queries

    /**
     * In a transaction: the value of {@code key}, or null if absent. One read of
     * its cell (which {@link #find} followed by a read of the cell would make
     * three times, each a read-set entry). A retired cell, though it also means
     * absent, is first replaced by a successor and the successor read: the read
     * set must hold the cell a later insert of the key writes, or a writer that
     * saw the key absent could commit after that insert (KeyTableTest).
     */
    Object valueIn(Object key) {
        for (;;) {
            Ref<Object> c = linked(key);
            Object v = c.get();
            if (v != RETIRED) {
                return v == ABSENT ? null : v;
            }
            succeed(key, c);
        }
    }

    /** The cell of {@code key} if it is in the table, else null. */
    Ref<Object> find(Object key) {
        Ref<Object> c = cell(key);
        return c.get() == ABSENT ? null : c;
    }

    /**
     * Outside a transaction: the value of {@code key} in the latest committed
     * state, or null if absent; one read, so linearizable on its own. No cell
     * means absent: a present key's cell was linked before the commit that
     * made it present, and a cell leaves the index only once retired, after a
     * commit made its key absent.
     */
    Object latest(Object key) {
        Ref<Object> c = cells.get(key);
        if (c == null) {
            return null;
        }
        Object v = c.get(); // no transaction: the latest committed value
        return isAbsent(v) ? null : v;
    }

    /**
     * Outside a transaction: if {@code key} is present, replaces its value with
     * {@code value} in one atomic write and returns the old value; otherwise
     * changes nothing and returns null (the caller then needs a transaction, to
     * count the key in).
     */
    Object replaceLatest(Object key, Object value) {
        Ref<Object> c = cells.get(key);
        if (c == null) {
            return null;
        }
        Object old = Direct.replaceObjectUnless(c, value, ABSENT, RETIRED);
        return isAbsent(old) ? null : old;
    }

    /** The number of keys (reads every count stripe). */
    long size() {
        return count.sum();
    }

    // --------------------------------------------------------------- updates

    /** Returns the cell of {@code key} if present (changing nothing); otherwise adds the key with {@code value} and returns null. */
    Ref<Object> findOrInsert(Object key, Object value) {
        Ref<Object> c = cell(key);
        if (c.get() != ABSENT) {
            return c;
        }
        c.set(value);
        count.increment();
        return null;
    }

    /** Removes {@code key}; returns the value it had, or null if absent. */
    Object remove(Object key) {
        Ref<Object> c = cell(key);
        Object v = c.get();
        if (v == ABSENT) {
            return null;
        }
        c.set(ABSENT);
        count.decrement();
        return v;
    }

    /** Removes every key. Reads every count stripe and cell, so it conflicts with any concurrent insert or remove. */
    void clear() {
        count.reset();
        for (Cursor c = cursor(); c.next(); ) {
            c.cell().set(ABSENT);
        }
    }

    // -------------------------------------------------------------- traversal

    /** A walk over the keys in the table; made inside a transaction, it reads every count stripe there. */
    Cursor cursor() {
        count.sum();
        Runnable hook = afterStripesForTests;
        if (hook != null) {
            hook.run();
        }
        return new Cursor(cells.entrySet().iterator());
    }

    /**
     * Tests only: runs in {@link #cursor()} between the stripe reads and the
     * index's iterator, the one gap the end-of-walk floor check covers alone
     * (the iterator reads ahead, so a cell unlinked later is followed by a read
     * that checks the floor). Volatile: set by a test thread, read by another.
     */
    static volatile Runnable afterStripesForTests;

    /**
     * A walk over the index. {@link #advance()} steps the index's iterator
     * (weakly consistent, no transaction needed) and {@link #read} reads the
     * candidate's cell in the running transaction, so a step can be re-run on
     * its own; {@link #next()} does both until it finds a present key. Used by
     * one thread at a time.
     */
    final class Cursor {
        private final Iterator<Map.Entry<Object, Ref<Object>>> index;
        private Map.Entry<Object, Ref<Object>> candidate;
        private Object value;

        Cursor(Iterator<Map.Entry<Object, Ref<Object>>> index) {
            this.index = index;
        }

        /**
         * Moves to the next cell of the index; false at the end. In a
         * transaction, the end is checked against {@link #floor} like every cell
         * (see {@link #read}): the walk may have missed cells unlinked after its
         * snapshot, the last ones included.
         */
        boolean advance() {
            if (!index.hasNext()) {
                candidate = null;
                Reclamation.requireSnapshot(floor);
                return false;
            }
            candidate = index.next();
            return true;
        }

        /**
         * In a transaction: whether the candidate's key is present, keeping its
         * value. Cells the index unlinked while the walk ran were retired before
         * {@link #floor} was raised past their retirement, so a snapshot at or past
         * the floor sees their keys absent, as the walk does.
         */
        boolean read() {
            Reclamation.requireSnapshot(floor);
            Object v = candidate.getValue().get();
            value = v;
            return !isAbsent(v);
        }

        /** In a transaction: moves to the next present key; false at the end. */
        boolean next() {
            while (advance()) {
                if (read()) {
                    return true;
                }
            }
            return false;
        }

        Object key() {
            return candidate.getKey();
        }

        Object value() {
            return value;
        }

        Ref<Object> cell() {
            return candidate.getValue();
        }
    }

    // ------------------------------------------------------------------ sweep

    /**
     * Asks for a sweep once the running transaction commits. Requests are
     * spaced {@link #REQUEST_SPACING} new cells apart, so a transaction adding
     * many keys asks a few times, and one that never commits does not keep
     * others from asking.
     */
    private void requestSweep(long n) {
        long last = requestedAt;
        if (n < last + REQUEST_SPACING && n >= last) {
            return;
        }
        requestedAt = n;
        Stm.afterCommit(this::sweepIfDue);
    }

    /** After a commit (outside any transaction): sweeps if the index is still past its mark. */
    private void sweepIfDue() {
        if (cells.mappingCount() > sweepAt) {
            sweep();
        }
    }

    /**
     * Runs a sweep unless another thread is sweeping; outside transactions only.
     * A cell is retired by the sweep after the one that first saw it absent, if
     * it is still absent at the same version (nobody wrote it in between), so a
     * transaction that just looked up an absent key to insert it is rarely
     * disturbed; it is unlinked by a later sweep still, once no registered
     * reader is older than its retirement.
     */
    void sweep() {
        if (Stm.inTransaction()) {
            throw new IllegalStateException("a key table sweeps outside transactions only");
        }
        if (!SWEEPING.compareAndSet(this, 0, 1)) {
            return;
        }
        try {
            boolean held = unlinkWaiting();
            retireCandidates();
            if (held) {
                // An old reader holds retired cells. No scan (it would find the same cells again);
                // look again soon, which costs a registry scan and the candidates' writes only.
                candidates = new ArrayList<>();
                sweepAt = cells.mappingCount() + RECHECK;
                return;
            }
            collectCandidates();
            // Twice what stays, plus what is on its way out (waiting and candidate cells), so that
            // those do not trigger the next sweep at once.
            long leaving = waitingCells + candidates.size();
            sweepAt = Math.max(MIN_SWEEP, 2 * (cells.mappingCount() - leaving)) + leaving;
        } finally {
            sweeping = 0;
        }
    }

    /**
     * Unlinks the retired cells of every sweep whose clock no registered reader
     * is older than; returns true if some still wait.
     */
    private boolean unlinkWaiting() {
        while (!waiting.isEmpty()) {
            Retired r = waiting.peekFirst();
            if (!Reclamation.noSnapshotOlderThan(r.clock())) {
                return true; // later sweeps' clocks are larger
            }
            if (r.clock() > floor) {
                floor = r.clock(); // before any unlink: see the field
            }
            for (Noted n : r.cells()) {
                if (cells.remove(n.key(), n.cell())) {
                    unlinked++;
                }
            }
            waiting.pollFirst();
            waitingCells -= r.cells().size();
        }
        return false;
    }

    /**
     * Retires the last sweep's candidates that are still absent at the version
     * they were seen at: one write each that never waits (a cell a committer or
     * the inevitable transaction holds is left for a later sweep).
     */
    private void retireCandidates() {
        ArrayList<Noted> retired = new ArrayList<>();
        for (Noted n : candidates) {
            if (Direct.tryReplaceObject(n.cell(), n.version(), ABSENT, RETIRED)) {
                retired.add(n);
            }
        }
        if (!retired.isEmpty()) {
            waiting.addLast(new Retired(retired, Reclamation.clock())); // read after every retirement of this sweep
            waitingCells += retired.size();
        }
    }

    /** Notes every cell absent now (and free), with its version, as the next sweep's candidates. */
    private void collectCandidates() {
        ArrayList<Noted> found = new ArrayList<>();
        for (Map.Entry<Object, Ref<Object>> e : cells.entrySet()) {
            long v = Reclamation.versionIfHolds(e.getValue(), ABSENT);
            if (v >= 0) {
                found.add(new Noted(e.getKey(), e.getValue(), v));
            }
        }
        candidates = found;
    }

    /** Diagnostics (tests): the sweep state. */
    @Override
    public String toString() {
        return "KeyTable[cells=" + cells.mappingCount() + ", waiting=" + waitingCells + ", sweepAt=" + sweepAt
                + ", floor=" + floor + ", unlinked=" + unlinked + "]";
    }

    /** Whether {@code key}'s cell in the index holds {@link #RETIRED} now (tests). */
    boolean isRetired(Object key) {
        Ref<Object> c = cells.get(key);
        return c != null && c.get() == RETIRED;
    }

    /** Cells unlinked by sweeps so far (tests; only exact once sweeps have stopped). */
    long unlinkedCount() {
        return unlinked;
    }

    /** Cells in the index, retired ones waiting to be unlinked included (tests). */
    long cellCount() {
        return cells.mappingCount();
    }
}
