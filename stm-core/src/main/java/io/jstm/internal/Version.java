package io.jstm.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One older committed value of a cell, kept in a newest-first chain so that
 * read-only transactions with an old snapshot can still read consistently
 * (multi-version reads, as in LSA and JVSTM).
 *
 * <h2>Overview</h2>
 * A committer pushes the value it replaces onto the chain only while some
 * registered reader may need it (see {@link SnapshotRegistry}); otherwise the
 * chain is dropped. The chain is trimmed after the first node whose version is
 * at most the oldest registered snapshot: nodes beyond it can serve no reader.
 * Nodes are immutable except {@link #older}, which a committer (holding the
 * cell's lock) may cut to {@code null}; readers only ever stop before the cut.
 */
public abstract class Version {
    /** Commit version of the value in this node. */
    final long version;
    /** Next older version, or null. Cut (setRelease to null) by committers when
     *  trimming; read with getAcquire by readers walking the chain. */
    private Version older;

    private static final VarHandle OLDER;

    static {
        try {
            OLDER = MethodHandles.lookup().findVarHandle(Version.class, "older", Version.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Version(long version, Version older) {
        this.version = version;
        this.older = older;
    }

    final Version older() {
        return (Version) OLDER.getAcquire(this);
    }

    /** Finds the newest version at most {@code snapshot}, or null when it has been trimmed. */
    static Version find(Version head, long snapshot) {
        Version v = head;
        while (v != null && v.version > snapshot) {
            v = v.older();
        }
        return v;
    }

    /** Cuts the chain after the first node whose version is at most {@code oldest}. */
    static void trim(Version head, long oldest) {
        Version v = head;
        while (v != null && v.version > oldest) {
            v = v.older();
        }
        if (v != null && v.older() != null) {
            OLDER.setRelease(v, (Version) null);
        }
    }

    static final class OfObject extends Version {
        final Object value;

        OfObject(Object value, long version, Version older) {
            super(version, older);
            this.value = value;
        }
    }

    static final class OfLong extends Version {
        final long value;

        OfLong(long value, long version, Version older) {
            super(version, older);
            this.value = value;
        }
    }
}
