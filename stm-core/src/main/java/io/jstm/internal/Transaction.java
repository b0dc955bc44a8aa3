package io.jstm.internal;

import io.jstm.AbortInfo;
import io.jstm.AbortReason;
import io.jstm.RetryTimeoutException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The per-thread transaction descriptor and the attempt loop.
 *
 * <h2>Overview</h2>
 * One descriptor per thread, reused by every transaction that thread runs, so
 * the steady state allocates nothing. A transaction is a loop of attempts:
 * <ol>
 *   <li><b>Begin.</b> Publish a snapshot lower bound in the
 *       {@link SnapshotRegistry}, then read the {@link GlobalClock}: the
 *       attempt's snapshot {@code s}.</li>
 *   <li><b>Read.</b> Read-your-writes from the {@link WriteSet}; otherwise a
 *       seqlock read of the cell. A value whose version is at most {@code s}
 *       is consistent with every other read. A newer one triggers
 *       <em>snapshot extension</em> (LSA): if nothing read so far has changed,
 *       {@code s} moves to the current clock. If something has, an attempt that
 *       has not written reads the cell's version at {@code s} from its history
 *       chain instead (multi-version read: read-only transactions do not abort
 *       because of writers); an attempt that has written aborts. So every
 *       attempt, even one that will abort, sees one consistent snapshot
 *       (opacity).</li>
 *   <li><b>Write.</b> Buffered in the write set. The first write frees the
 *       registry slot: a writer must read current versions only.</li>
 *   <li><b>Commit.</b> Read-only: nothing to do. Otherwise lock the written
 *       cells (CAS; a cell locked by another committer is a write-write
 *       conflict after a short spin; a cell marked by the inevitable
 *       transaction is lost to it; but a commuted cell's committer, locked out
 *       or marked out, releases its locks, parks briefly (or waits for the
 *       inevitable token) and tries again, and after a bounded number of such
 *       waits becomes inevitable in place rather than lose), take a
 *       commit version {@code t}, validate the read set against {@code s} (skipped when {@code t == s + 1}: nobody committed in
 *       between), keep old versions that registered readers may need, write
 *       back and unlock with version {@code t}, then wake retry waiters. There
 *       is no global lock: commits on disjoint cells proceed in parallel and
 *       meet only at the clock's atomic add.</li>
 *   <li><b>Abort.</b> Roll back (discard buffers, release marks, slot, token),
 *       record the abort, back off, and after
 *       {@link ContentionManager#ESCALATE_AFTER} conflicts (after one, for an
 *       attempt with at least {@link ContentionManager#LONG_READS} read-set
 *       entries) run the next attempt inevitable, so that it must finish.</li>
 * </ol>
 *
 * <h2>Inevitable mode</h2>
 * The single holder of the {@link InevitableToken} marks every cell it reads or
 * writes with {@link LockWord#INEVITABLE} (CAS on an unlocked word). Marked
 * cells cannot be locked by anyone else, so its reads stay current and it never
 * aborts; its reads of unmarked cells return the latest committed value.
 * Transactions that do not touch its cells keep committing; those that try to
 * write one lose, wait for the token to be released and re-run (a commute of a
 * marked cell waits for the token without losing). Marks are
 * cleared when it ends; while a mark is set only the holder writes the word.
 *
 * <h2>Threading</h2>
 * All fields are confined to the owning thread, except {@link #ownerId}
 * (final) which other threads read when they find this descriptor in the
 * racy {@link #BY_THREAD} table.
 */
public final class Transaction {

    // ---------------------------------------------------------------- binding

    private static final int TABLE_SIZE = 1 << 12;
    /**
     * Fast thread-to-descriptor lookup indexed by thread id. Plain racy array:
     * a slot is written once when a thread creates its descriptor; a reader may
     * see another thread's (or a dead thread's) descriptor and then falls back
     * to the thread local. {@link #ownerId} is final, so it is read correctly
     * even through the race; thread ids are never reused.
     */
    private static final Transaction[] BY_THREAD = new Transaction[TABLE_SIZE];
    private static final ThreadLocal<Transaction> LOCAL = new ThreadLocal<>();

    private final long ownerId;

    private final Statistics stats;
    /** The owning thread, weakly: lets a dead thread's table slot be reused. */
    private final java.lang.ref.WeakReference<Thread> owner = new java.lang.ref.WeakReference<>(Thread.currentThread());

    private Transaction(long ownerId) {
        this.ownerId = ownerId;
        this.stats = Statistics.register(Thread.currentThread());
    }

    /** This thread's descriptor, created on first use. */
    public static Transaction forCurrentThread() {
        long id = Thread.currentThread().getId();
        Transaction tx = BY_THREAD[(int) id & (TABLE_SIZE - 1)];
        if (tx != null && tx.ownerId == id) {
            return tx;
        }
        return forCurrentThreadSlow(id);
    }

    private static Transaction forCurrentThreadSlow(long id) {
        Transaction tx = LOCAL.get();
        if (tx == null) {
            tx = new Transaction(id);
            LOCAL.set(tx);
            int i = (int) id & (TABLE_SIZE - 1);
            Transaction occupant = BY_THREAD[i];
            // Take the slot only from a dead thread: a stream of short-lived (e.g. virtual)
            // threads must not push long-lived ones off the fast path.
            if (occupant == null || occupant.ownerIsDead()) {
                BY_THREAD[i] = tx;
            }
        }
        return tx;
    }

    private boolean ownerIsDead() {
        Thread t = owner.get();
        return t == null || !t.isAlive();
    }

    /** This thread's running transaction, or null outside one. Creates nothing. */
    public static Transaction active() {
        long id = Thread.currentThread().getId();
        Transaction tx = BY_THREAD[(int) id & (TABLE_SIZE - 1)];
        if (tx == null || tx.ownerId != id) {
            tx = LOCAL.get();
            if (tx == null) {
                return null;
            }
        }
        return tx.depth != 0 ? tx : null;
    }

    /** Read-set entries the running attempt has logged (tests: how many reads an operation costs). */
    int readSetSize() {
        return reads.size;
    }

    // ------------------------------------------------------------------ state

    /** Nesting depth of atomic blocks; 0 = no transaction running. */
    private int depth;
    /** Snapshot: reads see exactly the commits with version <= snapshot. */
    private long snapshot;
    /** Registry slot held (publishing a snapshot lower bound), or -1. */
    private int slot = -1;
    /** The slot to try first next time (same cache line as last time). */
    private int preferredSlot = -1;
    /** True once a read was served from history: the attempt can no longer write or extend. */
    private boolean stale;
    /** The cell whose history read made the attempt stale (for abort info). */
    private Cell staleCell;
    /** True while this attempt holds the inevitable token. */
    private boolean inevitable;
    /** Conflict tracing was on when this attempt began: record access sites. */
    private boolean tracing;
    /** {@code inevitable || tracing}: the one flag the fast access paths test. */
    private boolean slow;
    /** Tracing: where this attempt first touched each cell. Null until used. */
    private java.util.IdentityHashMap<Cell, ConflictTracer.Site> sites;
    /** Largest site map kept for the next attempt (see {@link #resetAttempt}). */
    private static final int SITES_KEPT = 64;
    /** The read that last stopped a snapshot extension in this attempt, or null (see {@link #invalidatedRead}). */
    private Cell extensionBlocker;
    /** The profiler group of the last abort, to charge an estimated wasted time to later. */
    private ConflictProfiler.Group lastGroup;
    /** True once this attempt was told to abort; it can no longer commit. */
    private boolean doomed;
    /** This attempt became inevitable in its commit, after a long wait for a commuted cell (for JFR). */
    private boolean escalatedInCommit;
    /** The next attempt must run inevitable (becomeInevitable found stale reads). */
    private boolean restartInevitable;

    /**
     * Per call site (the block's class: one per lambda expression), what its
     * transactions have done: {@link #SITE_ALWAYS_WROTE} if every one so far
     * wrote, {@link #SITE_READ_ONLY_SEEN} once one committed without writing.
     * A block whose site always wrote is predicted to write and does not
     * register its snapshot: a writer reads only current versions, so
     * registering would only cost a CAS and make other committers keep history.
     * New sites, and sites that have ever been read-only (including a shared
     * wrapper lambda that runs both kinds of task), register, so read-only
     * blocks never abort because of writers. Direct-mapped, owner-thread only.
     */
    private final Object[] siteKeys = new Object[SITES];
    private final byte[] siteState = new byte[SITES];
    private static final byte SITE_ALWAYS_WROTE = 1, SITE_READ_ONLY_SEEN = 2;
    private static final int SITES = 32;
    /** The current block's prediction slot and key. */
    private int site;
    private Object siteKey;
    /** This atomic call's place in line for retry wake-ups (0 until it first blocks). */
    private long retryTicket;
    /** {@link System#nanoTime()} when this atomic call first blocked (with {@link #retryTicket}). */
    private long retrySince;
    /** This atomic call's entry while it is in service after a wake-up (see RetryWaiters), else null. */
    private RetryWaiters.Waiter inService;
    /** An error (OutOfMemoryError, StackOverflowError) met after the commit was decided; thrown once it completed. */
    private Throwable deferredError;
    /**
     * The first failure of an afterRollback hook that ran while the call went on
     * (between attempts, or when an orElse branch retried); thrown, or added to
     * the exception the call ends with, when the atomic call ends. A failing
     * rollback hook never changes what the block does.
     */
    private Throwable pendingHookFailure;
    /** True while commute functions run at commit time: they may not touch refs. */
    private boolean committing;
    /** The previous attempt of this block had written when it ended. */
    private boolean lastAttemptWrote;

    private final ReadSet reads = new ReadSet();
    private final WriteSet writes = new WriteSet();

    private ArrayList<Runnable> afterCommit;
    private ArrayList<Runnable> afterRollback;

    // checkpoint stack for nested atomic blocks and orElse branches
    private int cpDepth;
    private long[] cpSaved = new long[8];
    private int[] cpUndo = new int[8];
    private int[] cpCommitHooks = new int[8];
    private int[] cpRollbackHooks = new int[8];

    // abort bookkeeping
    private AbortReason abortReason;
    private Cell abortCell;
    private int attempt;
    /** {@link System#nanoTime()} at the start of this attempt, or 0 when the attempt is not timed. */
    private long attemptStart;
    /** {@link CoarseClock#now()} at the start of this attempt (always taken: one volatile read). */
    private long coarseStart;
    /**
     * How many more top-level transactions to time. {@code nanoTime} costs about
     * as much as a small transaction, so a thread times its transactions only
     * while it has recently aborted. An untimed attempt that aborts after more
     * than a {@link CoarseClock} tick is measured against its coarse start;
     * a shorter one is charged the duration of the next attempt of the same block.
     */
    private int timedBudget;
    /** An untimed attempt aborted; its wasted time is taken from the next attempt's duration. */
    private boolean wasteEstimatePending;
    private static final int TIME_AFTER_ABORT = 64;
    private long retryDeadline = Long.MAX_VALUE;
    private AbortInfo lastAbort;
    private int seed = (int) System.nanoTime() | 1;

    // ------------------------------------------------------------ attempt loop

    /** Runs {@code block} as a transaction, joining a running one. */
    public static void atomic(Runnable block) {
        atomic(block, false);
    }

    /** Runs {@code block} as a transaction, joining a running one; returns what the committed run returned. */
    public static Object atomic(Supplier<?> block) {
        return atomic(block, true);
    }

    /** Runs {@code block} as a transaction that is inevitable from its start (or joins and makes the running one inevitable). */
    public static void atomicInevitable(Runnable block) {
        atomicInevitable(block, false);
    }

    /** {@link #atomicInevitable(Runnable)} for a block that returns a value. */
    public static Object atomicInevitable(Supplier<?> block) {
        return atomicInevitable(block, true);
    }

    /**
     * The block's kind travels as a flag from the typed entry points: an
     * {@code instanceof Supplier} test on a class that is not one scans the
     * class's secondary supers on every call (HotSpot caches only hits), which
     * cost more than the rest of the call's dispatch.
     */
    private static Object atomic(Object block, boolean supplies) {
        Transaction tx = forCurrentThread();
        if (tx.depth != 0) {
            return tx.nested(block, supplies);
        }
        return tx.runTopLevel(block, supplies, false);
    }

    private static Object atomicInevitable(Object block, boolean supplies) {
        Transaction tx = forCurrentThread();
        if (tx.depth != 0) {
            tx.becomeInevitable();
            return tx.nested(block, supplies);
        }
        return tx.runTopLevel(block, supplies, true);
    }

    private static Object invoke(Object block, boolean supplies) {
        if (supplies) {
            return ((Supplier<?>) block).get();
        }
        ((Runnable) block).run();
        return null;
    }

    private Object runTopLevel(Object block, boolean supplies, boolean inevitableRequested) {
        boolean escalate = inevitableRequested;
        int conflicts = 0;
        retryDeadline = Long.MAX_VALUE;
        retryTicket = 0;
        if (timedBudget > 0) {
            timedBudget--;
        }
        wasteEstimatePending = false;
        Class<?> key = block.getClass();
        int idx = System.identityHashCode(key) & (SITES - 1);
        site = idx;
        siteKey = key;
        if (siteKeys[idx] != key) {
            siteKeys[idx] = key;
            siteState[idx] = 0;
        }
        lastAttemptWrote = siteState[idx] == SITE_ALWAYS_WROTE;
        try {
            for (attempt = 1; ; attempt++) {
                Object result = null;
                boolean committed = false;
                try {
                    begin(escalate);
                    result = invoke(block, supplies);
                    committed = commit();
                } catch (TransactionAbort signal) {
                    if (!doomed) {
                        // A signal the block kept and rethrew later: this attempt is not known to be valid.
                        markAborted(AbortReason.READ_INVALIDATED, null);
                    }
                } catch (Throwable t) {
                    if (!doomed) {
                        Cell invalid = inevitable ? null : firstInvalidNow();
                        if (invalid == null) {
                            throw finishFailed(t);
                        }
                        markAborted(AbortReason.READ_INVALIDATED, invalid);
                    }
                }
                if (committed) {
                    return finishCommit(result);
                }
                AbortReason reason = abortReason;
                boolean restart = restartInevitable;
                if (reason == AbortReason.EXPLICIT_RETRY) {
                    stats.add(Statistics.RETRIES, 1);
                    waitForChange();
                    conflicts = 0;
                    escalate = inevitableRequested;
                    continue;
                }
                int readCount = reads.size; // before the rollback clears it
                rollbackAttempt();
                if (restart) {
                    escalate = true;
                    continue;
                }
                conflicts++;
                if (reason == AbortReason.LOST_TO_INEVITABLE) {
                    InevitableToken.awaitRelease();
                }
                if (ContentionManager.shouldEscalate(conflicts, readCount)) {
                    escalate = true;
                    stats.add(Statistics.ESCALATIONS, 1);
                } else if (reason != AbortReason.LOST_TO_INEVITABLE) {
                    ContentionManager.backoff(conflicts, nextRandom());
                }
            }
        } catch (Throwable e) {
            attachPending(e, takePendingHookFailure()); // a retryFor timeout, an interrupt: any other way out
            throw e;
        } finally {
            leaveService(); // every way out of the call (the early calls run before hooks)
        }
    }

    private void begin(boolean asInevitable) {
        depth = 1;
        escalatedInCommit = false;
        slot = -1;
        doomed = false;
        stale = false;
        staleCell = null;
        restartInevitable = false;
        abortReason = null;
        abortCell = null;
        coarseStart = CoarseClock.now();
        attemptStart = attempt > 1 || timedBudget > 0 ? System.nanoTime() : 0;
        tracing = ConflictTracer.enabled();
        slow = tracing || asInevitable;
        if (asInevitable) {
            InevitableToken.acquire();
            inevitable = true;
            snapshot = GlobalClock.now();
        } else if (lastAttemptWrote) {
            // Predicted writer: see siteKeys. It also keeps its last snapshot instead of
            // reading the clock (a line every committer writes): any snapshot no newer
            // than the clock is sound, and a read of something newer extends it.
            slot = -1;
        } else {
            // Publish a lower bound first, then read the snapshot (see SnapshotRegistry).
            // The previous snapshot is a lower bound of the next one: no extra clock read.
            int s = SnapshotRegistry.claim(preferredSlot, snapshot);
            slot = s;
            if (s >= 0) {
                preferredSlot = s;
            }
            snapshot = GlobalClock.now();
        }
    }

    private Object nested(Object block, boolean supplies) {
        openCheckpoint();
        try {
            Object result = invoke(block, supplies);
            closeCheckpoint();
            return result;
        } catch (TransactionAbort signal) {
            closeCheckpoint();
            throw signal;
        } catch (Throwable t) {
            throw undoCheckpointAndRethrow(t);
        }
    }

    /**
     * A part of the transaction (a nested block, an orElse branch) threw: if the
     * attempt is already doomed or its reads are stale, abort the whole attempt
     * (the exception came from an attempt that cannot commit); otherwise undo the
     * part's writes and hooks and let the exception continue to the enclosing code.
     */
    private RuntimeException undoCheckpointAndRethrow(Throwable t) {
        if (doomed) {
            closeCheckpoint();
            throw TransactionAbort.INSTANCE;
        }
        Cell invalid = inevitable ? null : firstInvalidNow();
        if (invalid != null) {
            closeCheckpoint();
            throw abort(AbortReason.READ_INVALIDATED, invalid);
        }
        suppress(t, undoCheckpoint());
        throw sneaky(t);
    }

    // ------------------------------------------------------------------ reads

    /** Transactional read of an object cell. */
    public Object readObject(ObjectCell c) {
        if (writes.size != 0) {
            int i = writes.find(c);
            if (i >= 0) {
                return writes.commutes == 0 || !writes.isCommute(i) ? writes.objectAt(i) : resolveObject(c, i);
            }
        }
        return readObjectFromMemory(c);
    }

    /** A read that bypasses the write set. */
    private Object readObjectFromMemory(ObjectCell c) {
        if (!slow) {
            long w1 = c.wordAcquire();
            Object v = c.valueAcquire();
            long w2 = c.wordOpaque();
            if ((w1 | LockWord.INEVITABLE) == (w2 | LockWord.INEVITABLE)
                    && (w1 & LockWord.LOCKED) == 0 && LockWord.version(w1) <= snapshot) {
                reads.add(c);
                return v;
            }
        }
        return readObjectSlow(c);
    }

    private Object readObjectSlow(ObjectCell c) {
        checkNotCommitting();
        if (tracing) {
            recordSite(c);
        }
        if (inevitable) {
            markInevitable(c);
            return c.valueAcquire();
        }
        for (int round = 0; ; round++) {
            long w1 = c.wordAcquire();
            if (LockWord.isLocked(w1)) {
                Backoff.pause(round);
                continue;
            }
            Object v = c.valueAcquire();
            long w2 = c.wordOpaque();
            if ((w1 | LockWord.INEVITABLE) != (w2 | LockWord.INEVITABLE)) {
                continue;
            }
            if (LockWord.version(w1) <= snapshot) {
                reads.add(c);
                return v;
            }
            if (!stale && extendSnapshot()) {
                continue;
            }
            Version old = oldVersion(c);
            if (old != null) {
                reads.add(c);
                return ((Version.OfObject) old).value;
            }
            throw abort(AbortReason.READ_INVALIDATED, invalidatedRead(c));
        }
    }

    /** Transactional read of a long cell. */
    public long readLong(LongCell c) {
        if (writes.size != 0) {
            int i = writes.find(c);
            if (i >= 0) {
                return writes.commutes == 0 || !writes.isCommute(i) ? writes.longAt(i) : resolveLong(c, i);
            }
        }
        return readLongFromMemory(c);
    }

    /** A read that bypasses the write set. */
    private long readLongFromMemory(LongCell c) {
        if (!slow) {
            long w1 = c.wordAcquire();
            long v = c.valueAcquire();
            long w2 = c.wordOpaque();
            if ((w1 | LockWord.INEVITABLE) == (w2 | LockWord.INEVITABLE)
                    && (w1 & LockWord.LOCKED) == 0 && LockWord.version(w1) <= snapshot) {
                reads.add(c);
                return v;
            }
        }
        return readLongSlow(c);
    }

    private long readLongSlow(LongCell c) {
        checkNotCommitting();
        if (tracing) {
            recordSite(c);
        }
        if (inevitable) {
            markInevitable(c);
            return c.valueAcquire();
        }
        for (int round = 0; ; round++) {
            long w1 = c.wordAcquire();
            if (LockWord.isLocked(w1)) {
                Backoff.pause(round);
                continue;
            }
            long v = c.valueAcquire();
            long w2 = c.wordOpaque();
            if ((w1 | LockWord.INEVITABLE) != (w2 | LockWord.INEVITABLE)) {
                continue;
            }
            if (LockWord.version(w1) <= snapshot) {
                reads.add(c);
                return v;
            }
            if (!stale && extendSnapshot()) {
                continue;
            }
            Version old = oldVersion(c);
            if (old != null) {
                reads.add(c);
                return ((Version.OfLong) old).value;
            }
            throw abort(AbortReason.READ_INVALIDATED, invalidatedRead(c));
        }
    }

    /**
     * Transactional read of element {@code i} of an array ({@code io.jstm.LongArray})
     * whose elements are {@code values}, in stripe {@code s}: the element this
     * transaction wrote, else a seqlock read at the snapshot, with the stripe as
     * the read-set entry (once for a run of reads of one stripe). The caller passes
     * the array's storage so that the element's load need not wait for the stripe's.
     */
    public long readElement(LongStripe s, long[] values, int i) {
        assert s.guards(values, i) : "element " + i + " is not in stripe " + s.index;
        int k = i & LongStripe.MASK;
        if (writes.size != 0) {
            int e = writes.find(s);
            if (e >= 0) {
                LongStripe.Buffer b = (LongStripe.Buffer) writes.objectAt(e);
                if (b.has(k)) {
                    return b.values[k];
                }
            }
        }
        if (!slow) {
            long w1 = s.wordAcquire();
            long v = LongStripe.elementAcquire(values, i);
            long w2 = s.wordOpaque();
            if ((w1 | LockWord.INEVITABLE) == (w2 | LockWord.INEVITABLE)
                    && (w1 & LockWord.LOCKED) == 0 && LockWord.version(w1) <= snapshot) {
                reads.addStripe(s);
                return v;
            }
        }
        return readElementSlow(s, k);
    }

    private long readElementSlow(LongStripe s, int k) {
        checkNotCommitting();
        if (tracing) {
            recordSite(s);
        }
        if (inevitable) {
            markInevitable(s);
            return s.valueAcquire(k);
        }
        for (int round = 0; ; round++) {
            long w1 = s.wordAcquire();
            if (LockWord.isLocked(w1)) {
                Backoff.pause(round);
                continue;
            }
            long v = s.valueAcquire(k);
            long w2 = s.wordOpaque();
            if ((w1 | LockWord.INEVITABLE) != (w2 | LockWord.INEVITABLE)) {
                continue;
            }
            if (LockWord.version(w1) <= snapshot) {
                reads.addStripe(s);
                return v;
            }
            if (!stale && extendSnapshot()) {
                continue;
            }
            Version old = oldVersion(s);
            if (old != null) {
                reads.add(s);
                return LongStripe.elementOf(old, k);
            }
            throw abort(AbortReason.READ_INVALIDATED, invalidatedRead(s));
        }
    }

    /** Transactional write of element {@code k} of a long stripe: buffered per element until commit. */
    public void writeElement(LongStripe s, int k, long v) {
        if (writes.size == 0 || slow) {
            beforeWrite(s);
        }
        writes.putElement(s, k, v);
    }

    /**
     * Makes sure the snapshot includes every commit up to {@code version}:
     * extends it, or aborts the attempt (a read it made has changed since). An
     * inevitable transaction reads the latest values anyway. For structures
     * that drop refs (see {@link Reclamation#requireSnapshot}).
     */
    void requireSnapshot(long version) {
        if (inevitable || snapshot >= version) {
            return;
        }
        checkNotCommitting();
        // The clock is at least version (it was read from the clock), so a successful extension covers it.
        if (stale) {
            throw abort(AbortReason.READ_INVALIDATED, staleCell);
        }
        if (!extendSnapshot()) {
            throw abort(AbortReason.READ_INVALIDATED, extensionBlocker);
        }
    }

    /**
     * The ref to name for an abort on reading {@code c}, which is newer than the
     * snapshot: the earlier read whose change stopped the snapshot from moving
     * past it, if that is why ({@code c}'s own change alone would have let the
     * snapshot move on), else {@code c}.
     */
    private Cell invalidatedRead(Cell c) {
        Cell b = extensionBlocker;
        return b != null ? b : c;
    }

    /**
     * LSA snapshot extension: if every read is still valid at the current clock,
     * move the snapshot there. The clock is read before validating, so a
     * commit that lands during validation either fails it or has a version the
     * new snapshot does not include.
     */
    private boolean extendSnapshot() {
        long now = GlobalClock.now();
        Cell invalid = reads.firstInvalid(snapshot, null);
        if (invalid != null) {
            extensionBlocker = invalid;
            return false;
        }
        snapshot = now;
        if (slot >= 0) {
            SnapshotRegistry.update(slot, now);
        }
        return true;
    }

    /**
     * The version of {@code c} at the snapshot, for an attempt that has not
     * written and is registered (so committers kept it); null otherwise.
     * Makes the attempt stale: it may read on, but not write or extend.
     */
    private Version oldVersion(Cell c) {
        if (writes.size != 0 || slot < 0) {
            return null;
        }
        Version v = Version.find(c.historyAcquire(), snapshot);
        if (v != null && !stale) {
            stale = true;
            staleCell = c;
        }
        return v;
    }

    // ----------------------------------------------------------------- writes

    /** Transactional write of an object cell. */
    public void writeObject(ObjectCell c, Object v) {
        if (writes.size == 0 || slow) {
            beforeWrite(c);
        }
        writes.putObject(c, v);
    }

    /** Transactional write of a long cell. */
    public void writeLong(LongCell c, long v) {
        if (writes.size == 0 || slow) {
            beforeWrite(c);
        }
        writes.putLong(c, v);
    }

    /**
     * {@code Ref.commute}: defers {@code f} to commit time, applied to the latest
     * committed value, so commuting transactions do not conflict with each other.
     * On a cell this transaction already wrote, {@code f} is applied at once to the
     * buffered value; an inevitable transaction applies it as a read and a write.
     */
    @SuppressWarnings("unchecked")
    public void commuteObject(ObjectCell c, UnaryOperator<?> f) {
        if (inevitable) {
            writeObject(c, ((UnaryOperator<Object>) f).apply(readObject(c)));
            return;
        }
        if (writes.size == 0 || slow) {
            beforeWrite(c);
        }
        if (!writes.addCommute(c, f)) {
            writes.putObject(c, ((UnaryOperator<Object>) f).apply(readObject(c)));
        }
    }

    /** {@code LongRef.commute}; see {@link #commuteObject}. */
    public void commuteLong(LongCell c, LongUnaryOperator f) {
        if (inevitable) {
            writeLong(c, f.applyAsLong(readLong(c)));
            return;
        }
        if (writes.size == 0 || slow) {
            beforeWrite(c);
        }
        if (!writes.addCommute(c, f)) {
            writes.putLong(c, f.applyAsLong(readLong(c)));
        }
    }

    /** A read of a cell with pending commutes: read it for real, apply them, and make the entry a plain write. */
    @SuppressWarnings("unchecked")
    private Object resolveObject(ObjectCell c, int i) {
        Object v = readObjectFromMemory(c);
        for (int k = 0, n = writes.pendingCount(i); k < n; k++) {
            v = ((UnaryOperator<Object>) writes.pendingAt(i, k)).apply(v);
        }
        writes.resolveObject(i, v);
        return v;
    }

    private long resolveLong(LongCell c, int i) {
        long v = readLongFromMemory(c);
        for (int k = 0, n = writes.pendingCount(i); k < n; k++) {
            v = ((LongUnaryOperator) writes.pendingAt(i, k)).applyAsLong(v);
        }
        writes.resolveLong(i, v);
        return v;
    }

    /**
     * Applies every pending commute to the committed values (the caller holds the
     * cells' locks or marks, so the values are stable). While they run, any access
     * to a ref throws: a commute function must be pure, and one that read a cell
     * this commit has locked would wait for itself forever.
     */
    private void applyAllCommutes(int n) {
        committing = true;
        slow = true;
        try {
            for (int i = 0; i < n; i++) {
                if (writes.isCommute(i)) {
                    applyCommutes(i);
                }
            }
        } finally {
            committing = false;
            slow = tracing || inevitable;
        }
    }

    private void checkNotCommitting() {
        if (committing) {
            throw new IllegalStateException("a commute function touched a ref; commute functions run at commit "
                    + "time and must be pure functions of their argument: read the other refs before commute(...)");
        }
    }

    @SuppressWarnings("unchecked")
    private void applyCommutes(int i) {
        Cell c = writes.cells[i];
        if (c instanceof LongCell) {
            long v = ((LongCell) c).valueAcquire();
            for (int k = 0, n = writes.pendingCount(i); k < n; k++) {
                v = ((LongUnaryOperator) writes.pendingAt(i, k)).applyAsLong(v);
            }
            writes.setCommittedLong(i, v);
        } else {
            Object v = ((ObjectCell) c).valueAcquire();
            for (int k = 0, n = writes.pendingCount(i); k < n; k++) {
                v = ((UnaryOperator<Object>) writes.pendingAt(i, k)).apply(v);
            }
            writes.setCommittedObject(i, v);
        }
    }

    private void beforeWrite(Cell c) {
        checkNotCommitting();
        if (tracing) {
            recordSite(c);
        }
        if (inevitable) {
            markInevitable(c);
            return;
        }
        if (writes.size != 0) {
            return;
        }
        if (stale) {
            // It read old versions: its writes could never be serialized.
            throw abort(AbortReason.READ_INVALIDATED, staleCell);
        }
        // From now on it reads current versions only: committers need not keep history for it.
        releaseSlot();
    }

    // ------------------------------------------------------------- inevitable

    /** Makes the running attempt inevitable; restarts it inevitable if its reads are already stale. */
    public void becomeInevitable() {
        if (inevitable) {
            return;
        }
        checkNotCommitting();
        // Its reads are validated against the snapshot once it holds the token: no history needed.
        releaseSlot();
        InevitableToken.acquire();
        inevitable = true;
        slow = true;
        if (stale) {
            restart(staleCell);
        }
        Cell[] rs = reads.cells;
        for (int i = 0, n = reads.size; i < n; i++) {
            Cell c = rs[i];
            for (int round = 0; ; round++) {
                long w = c.wordVolatile();
                if (LockWord.isMarked(w)) {
                    break; // a duplicate read, already marked by us
                }
                if (LockWord.isLocked(w)) {
                    Backoff.pause(round);
                    continue;
                }
                if (LockWord.version(w) > snapshot) {
                    restart(c);
                }
                if (c.casWord(w, w | LockWord.INEVITABLE)) {
                    if (tracing) {
                        // A transaction that now waits for this mark lost to us: say so, as markInevitable does.
                        ConflictTracer.recordWriter(c, Thread.currentThread().getName() + " (inevitable)", siteOf(c));
                    }
                    break;
                }
            }
        }
        Cell[] ws = writes.cells;
        for (int i = 0, n = writes.size; i < n; i++) {
            markInevitable(ws[i]);
        }
    }

    private void restart(Cell c) {
        restartInevitable = true;
        throw abort(AbortReason.READ_INVALIDATED, c);
    }

    /**
     * Marks {@code c} for this inevitable attempt (waiting out a committer's
     * lock) and records it in the read set so that the mark is cleared at the end.
     */
    private void markInevitable(Cell c) {
        boolean logged = false;
        for (int round = 0; ; round++) {
            long w = c.wordVolatile();
            if (LockWord.isMarked(w)) {
                return;
            }
            if (LockWord.isLocked(w)) {
                Backoff.pause(round);
                continue;
            }
            if (!logged) {
                // Logged before marking: if the log cannot grow (out of memory) the cell is not
                // left marked for good. A logged cell that is not marked is skipped by clearMarks.
                reads.add(c);
                logged = true;
            }
            if (c.casWord(w, w | LockWord.INEVITABLE)) {
                if (tracing) {
                    ConflictTracer.recordWriter(c, Thread.currentThread().getName() + " (inevitable)", siteOf(c));
                }
                return;
            }
        }
    }

    /** Clears this attempt's marks. While a mark is set only its holder writes the word. */
    private void clearMarks() {
        Cell[] rs = reads.cells;
        for (int i = 0, n = reads.size; i < n; i++) {
            Cell c = rs[i];
            long w = c.wordVolatile();
            if (LockWord.isMarked(w)) {
                c.setWordRelease(w & ~LockWord.INEVITABLE);
            }
        }
    }

    public boolean isInevitable() {
        return inevitable;
    }

    // ----------------------------------------------------------------- commit

    private boolean commit() {
        if (doomed) {
            return false;
        }
        int n = writes.size;
        if (n == 0) {
            return true;
        }
        if (inevitable) {
            commitInevitable(n);
            return true;
        }
        Cell[] cells = writes.cells;
        if (RetryWaiters.anyServing()) {
            // Fair service: older woken calls that read what we write commit first.
            RetryWaiters.awaitTurn(cells, n, retryTicket == 0 ? Long.MAX_VALUE : retryTicket);
        }
        boolean commutes = writes.commutes != 0;
        int locked = 0;
        long t;
        try {
            int parks = 0;
            while (locked < n) {
                AbortReason r = lockForCommit(cells[locked],
                        commutes && writes.isCommute(locked) ? COMMUTE_LOCK_SPINS : LOCK_SPINS);
                if (r == null) {
                    locked++;
                    continue;
                }
                int failed = locked;
                unlock(cells, locked);
                locked = 0;
                if (commutes && writes.isCommute(failed)
                        && (r == AbortReason.WRITE_WRITE || r == AbortReason.LOST_TO_INEVITABLE)) {
                    // A commute depends on no value read: wait for the holder instead of aborting,
                    // holding no lock meanwhile (so no deadlock). Park rather than spin: a hot cell's
                    // other committers then run alone with its cache line for a while, as a lock's
                    // waiters park (HotCounterBench, commute, 2 threads: median 5.16 -> 15.43 ops/us);
                    // the randomized time breaks any symmetry between two such committers. A cell
                    // marked by the inevitable transaction is unmarked before its token is released,
                    // so waiting for the token is waiting for the mark.
                    if (++parks <= COMMUTE_MAX_PARKS) {
                        if (r == AbortReason.LOST_TO_INEVITABLE) {
                            InevitableToken.awaitRelease();
                        } else {
                            LockSupport.parkNanos(COMMUTE_PARK_NANOS + (nextRandom() & COMMUTE_PARK_JITTER));
                        }
                        continue;
                    }
                    // Waited long (a holder descheduled mid-commit, or a stream of writers that keeps
                    // taking the lock first). Losing a conflict would break "transactions that only
                    // commute never conflict"; instead become inevitable here, without re-running
                    // the block: once its cells are marked nobody else can lock them, so it finishes.
                    // It holds no lock now, and a committer that meets its marks gives up its own
                    // locks, so waiting for the marks cannot deadlock. Only stale reads (a legitimate
                    // conflict) can still abort it.
                    stats.add(Statistics.ESCALATIONS, 1);
                    escalatedInCommit = true;
                    becomeInevitable();
                    commitInevitable(n);
                    return true;
                }
                markAborted(r, cells[failed]);
                return false;
            }
            if (tracing) {
                Runnable hook = lockedForTests;
                if (hook != null) {
                    hook.run();
                }
            }
            t = GlobalClock.tick();
            if (t != snapshot + 1) {
                Cell invalid = reads.firstInvalid(snapshot, writes);
                if (invalid != null) {
                    unlock(cells, locked);
                    locked = 0;
                    markAborted(AbortReason.READ_INVALIDATED, invalid);
                    return false;
                }
            }
            if (tracing) {
                recordWriters(cells, n);
            }
            if (commutes) {
                applyAllCommutes(n);
            }
        } catch (Throwable e) {
            unlock(cells, locked); // nothing was written: the attempt fails with e
            throw e;
        }
        writeBack(cells, n, t);
        return true;
    }

    /**
     * Tests only: run by a tracing committer once it holds every lock of its
     * write set, before it takes its commit version (and so before it records
     * itself as the writer). Volatile: set by a test thread, read by committers,
     * and only while tracing, so untraced commits never read it.
     */
    static volatile Runnable lockedForTests;

    private void recordWriters(Cell[] cells, int n) {
        String me = Thread.currentThread().getName();
        for (int i = 0; i < n; i++) {
            ConflictTracer.recordWriter(cells[i], me, siteOf(cells[i]));
        }
    }

    /** Tracing: remembers where this attempt first touched {@code c}. */
    private void recordSite(Cell c) {
        if (sites == null) {
            sites = new java.util.IdentityHashMap<>();
        }
        if (!sites.containsKey(c)) {
            sites.put(c, ConflictTracer.capture());
        }
    }

    private ConflictTracer.Site siteOf(Cell c) {
        return sites == null ? null : sites.get(c);
    }

    private static List<StackTraceElement> framesOf(ConflictTracer.Site site) {
        return site == null ? List.of() : site.frames();
    }

    /**
     * Publishes the commit: history, values, unlock, wake-ups. The commit is
     * decided when this starts, so it must complete: if keeping history fails
     * (out of memory), the remaining cells are written without history (readers
     * that needed it abort instead of reading a wrong value) and the error is
     * thrown once the commit is finished.
     */
    private void writeBack(Cell[] cells, int n, long t) {
        // This thread's next snapshot may start here: every commit up to t has taken its version.
        snapshot = t;
        // Read after our lock CASes: see RetryWaiters (no lost wake-up).
        boolean wake = RetryWaiters.anyWaiting();
        // Read after the tick: see SnapshotRegistry (no needed version dropped).
        long oldest = SnapshotRegistry.oldest();
        int i = 0;
        try {
            for (; i < n; i++) {
                cells[i].writeBack(writes, i, t, oldest);
            }
        } catch (Throwable e) {
            for (; i < n; i++) {
                cells[i].writeBack(writes, i, t, Long.MAX_VALUE); // no history: nothing to allocate
            }
            deferredError = e;
        }
        if (wake) {
            try {
                RetryWaiters.wake(cells, n);
            } catch (Throwable e) {
                if (deferredError == null) {
                    deferredError = e;
                }
            }
        }
    }

    private static final int LOCK_SPINS = 128;
    /** Spins before a commute's committer parks, and the park: 10 us plus up to 32 us at random. */
    private static final int COMMUTE_LOCK_SPINS = 8;
    private static final long COMMUTE_PARK_NANOS = 10_000L;
    private static final int COMMUTE_PARK_JITTER = 0x7FFF;
    /**
     * Waits (parks of 10-42 us, or waits for the inevitable token) after which a
     * commute's committer stops waiting and becomes inevitable: about 1.7 ms of
     * parks; fewer if the thread's interrupt flag is set (its parks return at once).
     */
    private static final int COMMUTE_MAX_PARKS = 64;

    /**
     * Locks {@code c} for commit, spinning at most {@code spins} rounds on
     * another committer's lock; null on success, else why not.
     */
    private static AbortReason lockForCommit(Cell c, int spins) {
        for (int round = 0; ; round++) {
            long w = c.wordVolatile();
            if ((w & (LockWord.LOCKED | LockWord.INEVITABLE)) == 0) {
                if (c.casWord(w, w | LockWord.LOCKED)) {
                    return null;
                }
                continue;
            }
            if (LockWord.isMarked(w)) {
                return AbortReason.LOST_TO_INEVITABLE;
            }
            if (round >= spins) {
                return AbortReason.WRITE_WRITE;
            }
            Thread.onSpinWait();
        }
    }

    private static void unlock(Cell[] cells, int n) {
        for (int i = 0; i < n; i++) {
            Cell c = cells[i];
            c.setWordRelease(c.wordOpaque() & ~LockWord.LOCKED);
        }
    }

    private void commitInevitable(int n) {
        Cell[] cells = writes.cells;
        if (writes.commutes != 0) {
            // Commutes made before the transaction became inevitable. The cells are
            // marked, so their values cannot change: no lock needed, nothing to undo if one throws.
            applyAllCommutes(n);
        }
        if (tracing) {
            recordWriters(cells, n);
        }
        for (int i = 0; i < n; i++) {
            Cell c = cells[i];
            c.setWordVolatile(c.wordOpaque() | LockWord.LOCKED); // we hold the mark: nobody else writes the word
        }
        writeBack(cells, n, GlobalClock.tick()); // unlocking also clears the marks of written cells
    }

    private Object finishCommit(Object result) {
        boolean wasInevitable = inevitable;
        int readCount = reads.size, writeCount = writes.size;
        if (wasInevitable) {
            clearMarks();
            inevitable = false;
            slow = tracing;
            InevitableToken.release();
        }
        if (siteKeys[site] == siteKey && siteState[site] != SITE_READ_ONLY_SEEN) {
            siteState[site] = writeCount != 0 ? SITE_ALWAYS_WROTE : SITE_READ_ONLY_SEEN;
        }
        endAttempt();
        leaveService();
        // Bookkeeping after every resource is released: nothing here may leave a transaction half-ended.
        stats.add(Statistics.COMMITS, 1);
        JfrEvents.commit(attempt, readCount, writeCount, wasInevitable);
        if (attemptStart != 0) {
            long d = System.nanoTime() - attemptStart;
            stats.recordDuration(d);
            settleWasteEstimate(d);
        } else if (CoarseClock.spansTicks(coarseStart)) {
            stats.recordDuration(System.nanoTime() - coarseStart);
        }
        if (wasInevitable) {
            stats.add(Statistics.INEVITABLE, 1);
            JfrEvents.inevitable(attempt > 1 || escalatedInCommit);
        }
        Throwable deferred = deferredError;
        deferredError = null;
        Throwable rollbackHook = takePendingHookFailure();
        try {
            runAfterCommit();
        } catch (Throwable hookFailure) {
            suppress(hookFailure, deferred);
            suppress(hookFailure, rollbackHook);
            throw hookFailure;
        }
        if (deferred != null) {
            suppress(deferred, rollbackHook);
            throw sneaky(deferred);
        }
        if (rollbackHook != null) {
            throw sneaky(rollbackHook);
        }
        return result;
    }

    // ------------------------------------------------------------------ abort

    /** Records why this attempt must end and returns the signal to throw. */
    TransactionAbort abort(AbortReason reason, Cell c) {
        markAborted(reason, c);
        return TransactionAbort.INSTANCE;
    }

    private void markAborted(AbortReason reason, Cell c) {
        if (!doomed) {
            doomed = true;
            abortReason = reason;
            abortCell = c;
        }
    }

    /** Ends the attempt with {@code Stm.retry()}. */
    public TransactionAbort retry() {
        return abort(AbortReason.EXPLICIT_RETRY, null);
    }

    /** Like {@link #retry()}, but the whole atomic call gives up after {@code nanos} of blocking. */
    public TransactionAbort retryFor(long nanos) {
        // The earliest deadline holds. Compared as time left from now (a deadline already passed has a
        // negative one), never as two deadlines' difference, which overflows for a timeout near
        // Long.MAX_VALUE; the deadline itself may wrap past Long.MAX_VALUE, and like any nanoTime value
        // is only ever used by its difference from a reading (RetryWaiters.await too).
        long now = System.nanoTime();
        long n = Math.max(0, nanos);
        if (retryDeadline == Long.MAX_VALUE || n < retryDeadline - now) {
            long deadline = now + n;
            retryDeadline = deadline == Long.MAX_VALUE ? deadline - 1 : deadline; // MAX_VALUE: "no deadline"
        }
        return retry();
    }

    /**
     * For a block that threw: the first read that another commit has changed
     * since, or null if the attempt's view is still current. An attempt that read
     * an older version (stale) is never current, read-only or not: its exception
     * may come from a balance, say, that a commit has since changed, so the block
     * re-runs on the new state rather than report an outdated failure (as an
     * attempt that read the latest versions and was then overtaken does).
     */
    private Cell firstInvalidNow() {
        if (stale) {
            return staleCell;
        }
        return reads.firstInvalid(snapshot, null);
    }

    /**
     * Rolls back, records the abort, runs afterRollback hooks (outside any
     * transaction), then waits for a change to what the attempt read.
     */
    private void waitForChange() {
        releaseResources();
        boolean handedOver = false;
        try {
            long snap = snapshot;
            boolean wasStale = stale;
            Cell[] waitOn;
            try {
                recordAbort();
                waitOn = java.util.Arrays.copyOf(reads.cells, reads.size); // hooks may run transactions of their own
            } finally {
                resetAttempt();
            }
            long deadline = retryDeadline;
            runRollbackHooks();
            if (waitOn.length == 0 && deadline == Long.MAX_VALUE) {
                throw new IllegalStateException("Stm.retry() in a transaction that has read no refs would wait "
                        + "forever; read the refs whose change should wake it before calling retry()");
            }
            if (retryTicket == 0) {
                retryTicket = RetryWaiters.nextTicket();
                retrySince = System.nanoTime();
            }
            // A call in service blocks again: await queues its new entry before it takes the old one
            // out of service, so the call never drops out of line (a younger commit cannot slip past).
            RetryWaiters.Waiter previous = inService;
            inService = null;
            handedOver = true;
            inService = RetryWaiters.await(waitOn, snap, wasStale, deadline, retryTicket, retrySince, previous);
            if (inService == null) {
                throw new RetryTimeoutException("the transaction kept calling Stm.retryFor(...) and nothing it "
                        + "read changed before the timeout; it was rolled back");
            }
        } finally {
            if (!handedOver) {
                leaveService();
            }
        }
    }

    private void rollbackAttempt() {
        releaseResources();
        try {
            recordAbort();
        } finally {
            resetAttempt();
        }
        runRollbackHooks();
    }

    /**
     * Runs afterRollback hooks between two attempts. A hook may run transactions
     * of its own on this descriptor, so the attempt loop's state is saved and
     * restored around it.
     */
    private void runRollbackHooks() {
        if (afterRollback == null || afterRollback.isEmpty()) {
            if (afterCommit != null) {
                afterCommit.clear();
            }
            return;
        }
        int savedAttempt = attempt;
        long savedDeadline = retryDeadline;
        boolean savedRestart = restartInevitable;
        int savedSite = site;
        Object savedKey = siteKey;
        boolean savedWrote = lastAttemptWrote;
        boolean savedPending = wasteEstimatePending;
        ConflictProfiler.Group savedGroup = lastGroup;
        AbortReason savedReason = abortReason;
        long savedTicket = retryTicket;
        long savedSince = retrySince;
        RetryWaiters.Waiter savedService = inService;
        inService = null;
        Throwable savedHookFailure = takePendingHookFailure(); // a hook's own atomic calls end with their own
        Throwable failure = null;
        try {
            runAfterRollback(null);
        } catch (Throwable e) {
            failure = e;
        } finally {
            pendingHookFailure = savedHookFailure;
            inService = savedService;
            retryTicket = savedTicket;
            retrySince = savedSince;
            attempt = savedAttempt;
            retryDeadline = savedDeadline;
            restartInevitable = savedRestart;
            site = savedSite;
            siteKey = savedKey;
            lastAttemptWrote = savedWrote;
            wasteEstimatePending = savedPending;
            lastGroup = savedGroup;
            abortReason = savedReason;
        }
        if (failure != null) {
            deferHookFailure(failure); // the block still re-runs (or waits): the failure is reported at the end
        }
    }

    /** Rolls back after a user exception; returns it (with hook failures suppressed into it). */
    private RuntimeException finishFailed(Throwable t) {
        Throwable pending = takePendingHookFailure(); // before the hooks: their own atomic calls end with their own
        releaseResources();
        resetAttempt();
        leaveService();
        runAfterRollback(t);
        attachPending(t, pending);
        return sneaky(t);
    }

    /**
     * Ends a call with {@code t}: adds the pending rollback-hook failure to it. An
     * exception that cannot carry suppressed ones (the dispatcher's turn signal,
     * after which it runs the unit again) leaves it pending for this thread's
     * next atomic call, which reports it when it ends.
     */
    private void attachPending(Throwable t, Throwable pending) {
        if (pending == null || pending == t) {
            return;
        }
        t.addSuppressed(pending);
        Throwable[] attached = t.getSuppressed();
        if (attached.length == 0 || attached[attached.length - 1] != pending) {
            deferHookFailure(pending);
        }
    }

    /** Adds {@code extra} to {@code primary}'s suppressed exceptions, unless it is null or the same one. */
    private static void suppress(Throwable primary, Throwable extra) {
        if (extra != null && extra != primary) {
            primary.addSuppressed(extra);
        }
    }

    private Throwable takePendingHookFailure() {
        Throwable f = pendingHookFailure;
        pendingHookFailure = null;
        return f;
    }

    /** Keeps a rollback hook's failure for the end of the call (see {@link #pendingHookFailure}). */
    private void deferHookFailure(Throwable f) {
        if (pendingHookFailure == null) {
            pendingHookFailure = f;
        } else {
            suppress(pendingHookFailure, f);
        }
    }

    /**
     * Called by engine code (the dispatcher's commit order) before the current
     * thread's transaction waits outside the STM for another thread's commit:
     * its call leaves service (see RetryWaiters), so that commit does not wait
     * for its turn behind the waiting call. The call keeps its ticket.
     */
    public static void beforeOutsideWait() {
        Transaction tx = active();
        if (tx != null) {
            tx.leaveService();
        }
    }

    /** This call is no longer in service after a wake-up: younger commits waiting for their turn may go. */
    private void leaveService() {
        RetryWaiters.Waiter w = inService;
        if (w != null) {
            inService = null;
            RetryWaiters.done(w);
        }
    }

    private void releaseResources() {
        lastAttemptWrote = writes.size != 0 && !stale;
        if (inevitable) {
            clearMarks();
            inevitable = false;
            slow = tracing;
            InevitableToken.release();
        }
        releaseSlot();
    }

    private void recordAbort() {
        long now = System.nanoTime();
        AbortReason reason = abortReason == null ? AbortReason.READ_INVALIDATED : abortReason;
        long wasted;
        if (attemptStart != 0) {
            wasted = now - attemptStart;
            settleWasteEstimate(wasted);
        } else if (CoarseClock.spansTicks(coarseStart)) {
            wasted = now - coarseStart;
        } else {
            wasted = -1;
            wasteEstimatePending = true;
        }
        timedBudget = TIME_AFTER_ABORT;
        switch (reason) {
            case READ_INVALIDATED -> stats.add(Statistics.READ_INVALIDATED, 1);
            case WRITE_WRITE -> stats.add(Statistics.WRITE_WRITE, 1);
            case LOST_TO_INEVITABLE -> stats.add(Statistics.LOST_TO_INEVITABLE, 1);
            case EXPLICIT_RETRY -> { }
        }
        if (wasted > 0) {
            stats.add(Statistics.WASTED, wasted);
        }
        Cell c = abortCell;
        String refName = c == null ? null : c.name();
        List<StackTraceElement> access = List.of();
        List<StackTraceElement> other = List.of();
        String otherThread = null;
        if (tracing && c != null) {
            access = framesOf(siteOf(c));
            if (reason == AbortReason.WRITE_WRITE || reason == AbortReason.READ_INVALIDATED) {
                awaitHolderRecorded(c); // a read can also be invalidated by a committer that holds the lock
            }
            ConflictTracer.Writer w = ConflictTracer.lastWriter(c);
            if (w != null) {
                otherThread = w.thread();
                other = framesOf(w.site());
            }
        }
        lastAbort = new AbortInfo(reason, refName, attempt, Math.max(wasted, 0),
                Thread.currentThread().getName(), otherThread, access, other);
        lastGroup = reason.isConflict()
                ? ConflictProfiler.record(refName, reason, wasted, access, other, otherThread) : null;
        JfrEvents.abort(reason.name(), refName, attempt, Math.max(wasted, 0));
    }

    /**
     * Tracing, a lost conflict: waits (bounded by {@link #holderWaitNanos}, and not
     * at all once the thread is interrupted) until {@code c}'s lock is free. Its
     * holder records itself as the ref's writer only after it has locked and
     * validated (recording takes the tracer's lock, which may park it), so the
     * record read at once could be an earlier writer's,
     * or none for a ref nobody had written: the report would name the wrong winner
     * or "?". A holder that commits has recorded itself before it unlocks, and the
     * release store of the unlock makes the record visible to this read of the
     * word. The loser holds no lock here (they were released before the abort was
     * recorded), so the wait cannot deadlock; only tracing pays for it.
     */
    private static void awaitHolderRecorded(Cell c) {
        long deadline = System.nanoTime() + holderWaitNanos;
        for (int round = 0; LockWord.isLocked(c.wordAcquire()) && System.nanoTime() < deadline
                && !Thread.currentThread().isInterrupted(); round++) {
            Backoff.pause(round);
        }
    }

    /**
     * How long a traced loser waits for the holder to finish: 10 ms (commits take
     * microseconds). Volatile: tests lengthen it from their own thread.
     */
    static volatile long holderWaitNanos = 10_000_000L;

    /** Charges an earlier untimed aborted attempt with {@code d}, the duration of the attempt that re-ran it. */
    private void settleWasteEstimate(long d) {
        if (wasteEstimatePending) {
            wasteEstimatePending = false;
            stats.add(Statistics.WASTED, d);
            if (lastGroup != null) {
                lastGroup.wasted.add(d);
            }
            AbortInfo a = lastAbort;
            if (a != null && a.attempt() == attempt - 1) {
                lastAbort = new AbortInfo(a.reason(), a.refName(), a.attempt(), d, a.threadName(),
                        a.otherThreadName(), a.accessSite(), a.otherSite());
            }
        }
    }

    /** Frees the registry slot, if held: from here on this attempt needs no old versions. */
    private void releaseSlot() {
        if (slot >= 0) {
            SnapshotRegistry.release(slot);
            slot = -1;
        }
    }

    private void endAttempt() {
        releaseSlot();
        resetAttempt();
    }

    private void resetAttempt() {
        depth = 0;
        extensionBlocker = null;
        if (sites != null) {
            // IdentityHashMap.clear() costs its capacity, which never shrinks: a map grown by one
            // big traced attempt is dropped, and so is any map once tracing is off.
            if (tracing && sites.size() <= SITES_KEPT) {
                sites.clear();
            } else {
                sites = null;
            }
        }
        reads.clear();
        writes.clear();
        cpDepth = 0;
    }

    public AbortInfo lastAbortInfo() {
        return lastAbort;
    }

    // ------------------------------------------------------------------ hooks

    public void afterCommit(Runnable r) {
        if (afterCommit == null) {
            afterCommit = new ArrayList<>(4);
        }
        afterCommit.add(r);
    }

    public void afterRollback(Runnable r) {
        if (afterRollback == null) {
            afterRollback = new ArrayList<>(4);
        }
        afterRollback.add(r);
    }

    private void runAfterCommit() {
        if (afterRollback != null) {
            afterRollback.clear();
        }
        if (afterCommit == null || afterCommit.isEmpty()) {
            return;
        }
        Runnable[] hooks = afterCommit.toArray(new Runnable[0]);
        afterCommit.clear();
        Throwable failure = runAll(hooks, null);
        if (failure != null) {
            throw sneaky(failure);
        }
    }

    private void runAfterRollback(Throwable primary) {
        if (afterCommit != null) {
            afterCommit.clear();
        }
        if (afterRollback == null || afterRollback.isEmpty()) {
            return;
        }
        Runnable[] hooks = afterRollback.toArray(new Runnable[0]);
        afterRollback.clear();
        Throwable failure = runAll(hooks, primary);
        if (failure != null && primary == null) {
            throw sneaky(failure);
        }
    }

    /** Runs every hook; returns the first failure (later ones suppressed into it), or adds them to {@code primary}. */
    private static Throwable runAll(Runnable[] hooks, Throwable primary) {
        Throwable first = null;
        for (Runnable h : hooks) {
            try {
                h.run();
            } catch (Throwable e) {
                if (primary != null) {
                    suppress(primary, e);
                } else if (first == null) {
                    first = e;
                } else {
                    suppress(first, e);
                }
            }
        }
        return first;
    }

    // ------------------------------------------------------------ checkpoints

    private void openCheckpoint() {
        int d = cpDepth;
        if (d == cpSaved.length) {
            cpSaved = java.util.Arrays.copyOf(cpSaved, d << 1);
            cpUndo = java.util.Arrays.copyOf(cpUndo, d << 1);
            cpCommitHooks = java.util.Arrays.copyOf(cpCommitHooks, d << 1);
            cpRollbackHooks = java.util.Arrays.copyOf(cpRollbackHooks, d << 1);
        }
        cpUndo[d] = writes.undoMark();
        cpSaved[d] = writes.openCheckpoint();
        cpCommitHooks[d] = afterCommit == null ? 0 : afterCommit.size();
        cpRollbackHooks[d] = afterRollback == null ? 0 : afterRollback.size();
        cpDepth = d + 1;
        depth++;
    }

    /**
     * Discards the writes of the innermost open checkpoint and its afterCommit
     * hooks, and runs (then discards) the afterRollback hooks it registered: that
     * part of the transaction has rolled back. They run on this thread, still
     * inside the enclosing transaction. The first failure of a hook is returned
     * (later ones suppressed into it), after every hook has run.
     */
    private Throwable rollbackToCheckpoint() {
        int d = cpDepth - 1;
        writes.rollbackTo((int) cpSaved[d], cpUndo[d]);
        truncate(afterCommit, cpCommitHooks[d]);
        int from = cpRollbackHooks[d];
        if (afterRollback == null || afterRollback.size() <= from) {
            return null;
        }
        Runnable[] hooks = afterRollback.subList(from, afterRollback.size()).toArray(new Runnable[0]);
        truncate(afterRollback, from);
        return runAll(hooks, null);
    }

    /** Rolls back the innermost checkpoint and closes it (even if a hook's failure escapes); returns the hooks' failure. */
    private Throwable undoCheckpoint() {
        try {
            return rollbackToCheckpoint();
        } finally {
            closeCheckpoint();
        }
    }

    private void closeCheckpoint() {
        int d = --cpDepth;
        writes.closeCheckpoint(cpSaved[d]);
        depth--;
    }

    private static void truncate(ArrayList<Runnable> list, int size) {
        if (list != null) {
            while (list.size() > size) {
                list.remove(list.size() - 1);
            }
        }
    }

    /**
     * {@code Stm.orElse}: runs {@code first}; if it retries, discards its writes
     * and hooks (its reads stay: the choice depended on them) and runs {@code second}.
     */
    public <T> T orElse(Supplier<T> first, Supplier<T> second) {
        openCheckpoint();
        try {
            T result = first.get();
            closeCheckpoint();
            return result;
        } catch (TransactionAbort signal) {
            if (abortReason != AbortReason.EXPLICIT_RETRY || !doomed) {
                closeCheckpoint();
                throw signal;
            }
            Throwable hookFailure = undoCheckpoint();
            doomed = false;
            abortReason = null;
            if (hookFailure != null) {
                deferHookFailure(hookFailure); // the second branch still runs
            }
        } catch (Throwable t) {
            throw undoCheckpointAndRethrow(t);
        }
        // The second branch in a checkpoint of its own: if it throws, its writes and hooks are
        // undone as a nested block's are; its retry() goes up to the enclosing transaction.
        @SuppressWarnings("unchecked")
        T result = (T) nested(second, true);
        return result;
    }

    // ------------------------------------------------------------------ misc

    private int nextRandom() {
        int x = seed;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        seed = x;
        return x;
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** Capacity of this thread's undo log (tests: small again after a transaction that grew it). */
    static int undoLogCapacity() {
        return forCurrentThread().writes.undoCapacity();
    }

    /** Whether this thread's descriptor holds a site map (tests: none once tracing is off). */
    static boolean holdsSiteMap() {
        return forCurrentThread().sites != null;
    }
}
