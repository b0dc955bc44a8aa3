package io.jstm.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** A {@link Cell} holding an unboxed long; the engine side of {@code io.jstm.LongRef}. */
public abstract class LongCell extends Cell {
    /** Committed value. Written only by the holder of the lock bit (setRelease, which is
     *  also atomic for a long); readers read it between two reads of the lock word. */
    private long value;

    static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(LongCell.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    protected LongCell(long initial) {
        this.value = initial;
        VarHandle.storeStoreFence();
    }

    final long valueAcquire() {
        return (long) VALUE.getAcquire(this);
    }

    /** Stores a new value; caller holds the lock. */
    final void storeValue(long v) {
        VALUE.setRelease(this, v);
    }

    @Override
    final void writeBack(WriteSet ws, int i, long commitVersion, long oldest) {
        install(ws.longAt(i), commitVersion, oldest);
    }

    /**
     * Installs {@code v} as the value committed at {@code commitVersion}: keeps the
     * replaced value in the history chain if a reader older than the commit may
     * need it, stores the value, and unlocks. Caller holds the lock.
     */
    final void install(long v, long commitVersion, long oldest) {
        if (oldest < commitVersion) {
            long oldVersion = LockWord.version(wordOpaque());
            pushHistory(new Version.OfLong((long) VALUE.get(this), oldVersion, historyPlain()), oldest);
        } else {
            dropHistory();
        }
        VALUE.setRelease(this, v);
        setWordRelease(LockWord.of(commitVersion));
    }
}
