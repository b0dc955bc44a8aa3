package io.jstm.internal;

/**
 * Encoding of a cell's lock word: {@code version << 2 | INEVITABLE | LOCKED}.
 *
 * <ul>
 *   <li>{@code version}: the commit version (see {@link GlobalClock}) that wrote
 *       the cell's current value; 0 for the initial value.</li>
 *   <li>{@link #LOCKED}: a committer holds the cell for write-back. Readers wait
 *       for it to clear; other committers give up (write-write conflict).</li>
 *   <li>{@link #INEVITABLE}: the (single) inevitable transaction has read or
 *       written this cell; its value is frozen until that transaction ends.
 *       Readers ignore the bit; committers and outside writes may not lock the
 *       cell while it is set.</li>
 * </ul>
 * A committer that unlocks always installs a strictly larger version, so a
 * reader that sees the same word (ignoring {@link #INEVITABLE}) before and after
 * reading the value has read a value that was committed with that version
 * (a seqlock).
 */
public final class LockWord {
    public static final long LOCKED = 1L;
    public static final long INEVITABLE = 2L;

    private LockWord() {}

    public static long version(long word) {
        return word >>> 2;
    }

    public static long of(long version) {
        return version << 2;
    }

    public static boolean isLocked(long word) {
        return (word & LOCKED) != 0;
    }

    public static boolean isMarked(long word) {
        return (word & INEVITABLE) != 0;
    }
}
