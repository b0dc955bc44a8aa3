package io.jstm.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The engine's view of a transactional reference: a versioned lock word and a
 * chain of older versions. {@code io.jstm.Ref} and {@code io.jstm.LongRef}
 * extend the two concrete kinds, {@link ObjectCell} and {@link LongCell}, which
 * add the value field.
 *
 * <h2>Overview</h2>
 * The committed value is published with a seqlock over {@link #lockWord} (see
 * {@link LockWord}): a committer sets {@link LockWord#LOCKED} with a CAS, writes
 * the value (setRelease), and unlocks by storing the new version with
 * setRelease. A reader loads the word (getAcquire), the value (getAcquire), and
 * the word again; equal unlocked words mean the value belongs to that version.
 * The value store is a release so that a reader whose acquire load sees the new
 * value also sees the locked word in its second load.
 *
 * <p>Memory: a cell is a 12-byte header, an 8-byte lock word, a 4-byte history
 * pointer (compressed oops) and its value field; {@code Ref} and {@code LongRef}
 * are 32 bytes each.
 */
public abstract class Cell {
    /** See {@link LockWord}. Plain field, accessed only through {@link #LOCK_WORD} with explicit modes. */
    private long lockWord;
    /** Newest-first chain of older versions, or null. Written by the lock holder
     *  with setRelease before it unlocks; read with getAcquire. */
    private Version history;

    static final VarHandle LOCK_WORD;
    static final VarHandle HISTORY;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            LOCK_WORD = l.findVarHandle(Cell.class, "lockWord", long.class);
            HISTORY = l.findVarHandle(Cell.class, "history", Version.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    protected Cell() {}

    /** The name shown in abort info and conflict reports. */
    public abstract String name();

    final long wordAcquire() {
        return (long) LOCK_WORD.getAcquire(this);
    }

    final long wordOpaque() {
        return (long) LOCK_WORD.getOpaque(this);
    }

    final long wordVolatile() {
        return (long) LOCK_WORD.getVolatile(this);
    }

    final boolean casWord(long expected, long value) {
        return LOCK_WORD.compareAndSet(this, expected, value);
    }

    /** Used only by the holder of the lock or of the inevitable mark. */
    final void setWordRelease(long value) {
        LOCK_WORD.setRelease(this, value);
    }

    /** Used only by the holder of the inevitable mark to lock the cell for write-back:
     *  volatile, so the lock is visible before any value store that follows. */
    final void setWordVolatile(long value) {
        LOCK_WORD.setVolatile(this, value);
    }

    final Version historyAcquire() {
        return (Version) HISTORY.getAcquire(this);
    }

    /** Pushes {@code head} (the replaced value) onto the history chain, trimmed for {@code oldest}. Lock holder only. */
    final void pushHistory(Version head, long oldest) {
        Version.trim(head, oldest);
        HISTORY.setRelease(this, head);
    }

    /** Drops the history chain: no running reader can need it. Lock holder only. */
    final void dropHistory() {
        if (HISTORY.get(this) != null) {
            HISTORY.setRelease(this, (Version) null);
        }
    }

    final Version historyPlain() {
        return (Version) HISTORY.get(this);
    }

    /**
     * For a cell nobody else can reach yet: its current value counts as committed
     * at {@code version}, with {@code history} as its older versions. Plain stores:
     * the cell is published afterwards by a release (or stronger) store.
     */
    final void initCommitted(long version, Version history) {
        LOCK_WORD.set(this, LockWord.of(version));
        HISTORY.set(this, history);
        VarHandle.storeStoreFence();
    }

    /**
     * Writes back entry {@code i} of {@code ws}: history, value, then unlocks with
     * {@code commitVersion} (clearing {@link LockWord#INEVITABLE} too). Caller holds the lock.
     */
    abstract void writeBack(WriteSet ws, int i, long commitVersion, long oldest);
}
