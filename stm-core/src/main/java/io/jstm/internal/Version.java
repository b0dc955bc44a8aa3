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
 * Nodes are immutable once published except {@link #older}, which a
 * committer (holding the cell's lock) may cut to {@code null}; readers only
 * ever stop before the cut.
 *
 * <h2>Trimming in constant time</h2>
 * While one reader keeps an old snapshot, a written cell's chain grows by a
 * node per commit and none can be cut. Walking the chain on every push to find
 * the cut made each commit cost linear in the chain's length (a hot ref beside
 * a reader that held its snapshot: 76 us per commit after 20,000 commits,
 * 412 us after 80,000). So each head records the oldest snapshot its chain was
 * trimmed for ({@link #trimmedFor}), and a push walks only when the oldest
 * snapshot has moved past it. Otherwise the walk would cut nothing (the chain
 * below holds at most one node at or below {@code trimmedFor}, the last),
 * except when the new head itself is old enough for the oldest reader, which
 * cuts right after the head. A walk visits the nodes it keeps (those newer than
 * the oldest snapshot) and stops at the cut: with one reader holding its
 * snapshot, commits walk nothing; with k readers holding staggered snapshots
 * for D commits each, the oldest moves every D/k commits and the walks cost
 * about k nodes per commit. {@code trimmedFor} only ever lets a walk be
 * skipped, so a wrong value could keep extra nodes but never cut a needed one.
 * It costs 8 bytes per kept version (a node is 40 bytes, 32 before; JOL,
 * compressed references).
 */
public abstract class Version {
    /** Commit version of the value in this node. */
    final long version;
    /** Next older version, or null. Cut (setRelease to null) by committers when
     *  trimming; read with getAcquire by readers walking the chain. */
    private Version older;
    /**
     * The oldest snapshot this chain was last trimmed for: the chain from this
     * node holds nodes newer than it and then at most one more. Plain: written by
     * the committer that pushes this node (holding the cell's lock) before it
     * publishes the node, and read only by later holders of the same lock.
     */
    private long trimmedFor;

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

    /**
     * Cuts the chain of the new head {@code head} (not yet published; the caller
     * holds the cell's lock) after the first node whose version is at most
     * {@code oldest}: the same chain a walk from the head would leave, in
     * constant time unless {@code oldest} moved past the previous head's
     * {@link #trimmedFor} (see the class comment).
     *
     * @return the number of nodes the walk passed (0 when it did not walk, or stopped at the head)
     */
    static int trim(Version head, long oldest) {
        Version below = head.older;
        if (below != null && oldest <= below.trimmedFor) {
            // The walk would stop at the last node: nothing to cut. (The head cannot be cut after
            // either: it holds the value that the commit which pushed below wrote, newer than
            // below.trimmedFor.) The chain keeps below's shape.
            head.trimmedFor = below.trimmedFor;
            return 0;
        }
        head.trimmedFor = oldest;
        int visited = 0;
        Version v = head;
        while (v != null && v.version > oldest) {
            v = v.older();
            visited++;
        }
        if (v != null && v.older() != null) {
            OLDER.setRelease(v, (Version) null);
        }
        return visited;
    }

    /** Number of nodes in the chain from {@code head} (tests and diagnostics). */
    static int length(Version head) {
        int n = 0;
        for (Version v = head; v != null; v = v.older()) {
            n++;
        }
        return n;
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
