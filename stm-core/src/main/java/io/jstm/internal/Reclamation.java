package io.jstm.internal;

/**
 * Engine support for a structure that keeps a ref per key in a plain
 * concurrent index and drops the refs of absent keys (the key table behind
 * {@code TMap} and {@code TSet}).
 *
 * <h2>Overview</h2>
 * Dropping a ref from such an index is only safe once no transaction can need
 * it. The structure first <em>retires</em> the ref (a committed write of a
 * final marker, so that every transaction that read the ref before and would
 * write it fails validation); then it waits until every registered reader's
 * snapshot is at least a clock value taken after the retirement
 * ({@link #noSnapshotOlderThan}), because only registered readers read old
 * versions; then it raises the version that new refs start at (its
 * <em>floor</em>) to that value and unlinks the ref. From then on:
 * <ul>
 *   <li>a ref made afresh for the same key starts at the floor
 *       ({@link #startAt}), so an unregistered transaction whose snapshot is
 *       older (a writer) must extend its snapshot past the floor to read it,
 *       which validates everything it read: it never sees the key absent beside
 *       values older than the retirement;</li>
 *   <li>a walk over the index that may have missed unlinked refs calls
 *       {@link #requireSnapshot} with the floor, for the same reason;</li>
 *   <li>registered readers already have snapshots at or past the floor, so
 *       neither costs them anything and they never abort over it.</li>
 * </ul>
 * A ref that replaces a retired one that is still linked takes over its
 * version and history ({@link #succeed}), so that readers of any age see the
 * key's past through it.
 */
public final class Reclamation {
    private Reclamation() {}

    /**
     * Makes the current value of {@code fresh}, a cell no other thread can reach
     * yet, count as committed at {@code version}.
     */
    public static void startAt(Cell fresh, long version) {
        fresh.initCommitted(version, null);
    }

    /**
     * Makes {@code fresh} (not yet reachable by other threads) continue
     * {@code retired}, a cell that is never written again: its current value
     * counts as committed at {@code retired}'s version, and {@code retired}'s
     * older versions are its history. Waits out a committer that locked
     * {@code retired} and will give up (it read the cell before it was retired).
     */
    public static void succeed(Cell fresh, Cell retired) {
        for (int round = 0; ; round++) {
            long w = retired.wordAcquire();
            if (!LockWord.isLocked(w)) {
                long version = LockWord.version(w);
                // Older versions only matter to a registered reader older than the retirement. Its claim
                // precedes its clock read, which precedes the retirement's tick, which happens before the
                // word we just read and so before this scan: the scan sees the claim. The history pointer
                // is stored before the unlocking release, so the acquire above made it visible.
                Version history = SnapshotRegistry.oldest() >= version ? null : retired.historyAcquire();
                fresh.initCommitted(version, history);
                return;
            }
            Backoff.pause(round);
        }
    }

    /**
     * The version at which {@code c} committed its current value, if that value
     * is {@code expected} (by identity) and no committer holds the cell and no
     * inevitable transaction marked it; else -1. Never waits.
     */
    public static long versionIfHolds(ObjectCell c, Object expected) {
        long w1 = c.wordAcquire();
        if ((w1 & (LockWord.LOCKED | LockWord.INEVITABLE)) != 0) {
            return -1;
        }
        Object v = c.valueAcquire();
        return v == expected && c.wordOpaque() == w1 ? LockWord.version(w1) : -1;
    }

    /** The global clock now (a volatile read). */
    public static long clock() {
        return GlobalClock.now();
    }

    /**
     * True if no registered reader's snapshot is older than {@code version}, a
     * value read from {@link #clock()} earlier. A reader that registers while
     * this scans and is missed reads the clock after the scan (the registry's
     * handshake: its claim and its clock read, and the clock read that gave
     * {@code version} and this scan, are all sequentially consistent), so its
     * snapshot is at least {@code version} too.
     */
    public static boolean noSnapshotOlderThan(long version) {
        return SnapshotRegistry.oldest() >= version;
    }

    /**
     * In a transaction: makes sure its snapshot includes every commit up to
     * {@code version} (a value read from {@link #clock()}), extending it, or
     * aborting the attempt if a read it made has changed since. Outside one:
     * nothing.
     */
    public static void requireSnapshot(long version) {
        Transaction tx = Transaction.active();
        if (tx != null) {
            tx.requireSnapshot(version);
        }
    }
}
