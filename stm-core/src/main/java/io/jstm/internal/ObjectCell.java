package io.jstm.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** A {@link Cell} holding an object value; the engine side of {@code io.jstm.Ref}. */
public abstract class ObjectCell extends Cell {
    /** Committed value. Written only by the holder of the lock bit (setRelease, after
     *  the lock CAS); readers read it between two reads of the lock word (seqlock). */
    private Object value;

    static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(ObjectCell.class, "value", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    protected ObjectCell(Object initial) {
        this.value = initial;
        // Like a final field: a cell published through a data race is seen initialised.
        VarHandle.storeStoreFence();
    }

    final Object valueAcquire() {
        return VALUE.getAcquire(this);
    }

    /** Stores a new value; caller holds the lock. */
    final void storeValue(Object v) {
        VALUE.setRelease(this, v);
    }

    @Override
    final void writeBack(WriteSet ws, int i, long commitVersion, long oldest) {
        install(ws.objectAt(i), commitVersion, oldest);
    }

    /**
     * Installs {@code v} as the value committed at {@code commitVersion}: keeps the
     * replaced value in the history chain if a reader older than the commit may
     * need it, stores the value, and unlocks. Caller holds the lock.
     */
    final void install(Object v, long commitVersion, long oldest) {
        if (oldest < commitVersion) {
            long oldVersion = LockWord.version(wordOpaque());
            pushHistory(new Version.OfObject(VALUE.get(this), oldVersion, historyPlain()), oldest);
        } else {
            dropHistory();
        }
        VALUE.setRelease(this, v);
        setWordRelease(LockWord.of(commitVersion));
    }
}
