package io.jstm.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * What a transaction does after it loses a conflict.
 *
 * <h2>Policy</h2>
 * Randomized exponential backoff between attempts (so two transactions that
 * keep colliding fall out of step), and escalation: after
 * {@link #ESCALATE_AFTER} consecutive conflict aborts the next attempt runs
 * inevitable from its start. An inevitable attempt never aborts and takes
 * precedence over every other committer, so every transaction finishes (no
 * starvation, no livelock): the token is a fair lock, so waiters for it are
 * served in arrival order. Losing to the inevitable transaction counts as a
 * conflict too, so a transaction that keeps meeting inevitable ones escalates
 * and takes its turn in that queue.
 *
 * <h2>Long attempts escalate at once</h2>
 * An attempt that had logged at least {@link #LONG_READS} read-set entries when
 * it lost a conflict re-runs inevitable straight away (an entry per ref read,
 * repeats included, and about one per {@code LongArray} stripe read).
 * Re-running it is expensive and it is the likeliest to lose again (it overlaps every short writer that commits
 * meanwhile: on Lee's mainboard at 2 threads a long route lost up to 8 times in a
 * row); run inevitable, its one re-run cannot be lost, and the price (a CAS per
 * cell it touches, and writers of those cells waiting for it) is small beside
 * its length. Short transactions keep backing off and escalate after
 * {@link #ESCALATE_AFTER}.
 */
final class ContentionManager {
    /** Conflict aborts after which an attempt runs inevitable ({@code -Djstm.escalateAfter}, default 8). */
    static final int ESCALATE_AFTER = Math.max(1, Integer.getInteger("jstm.escalateAfter", 8));

    /** Read-set entries from which one lost conflict escalates ({@code -Djstm.longReads}, default 1024). */
    static final int LONG_READS = Math.max(1, Integer.getInteger("jstm.longReads", 1024));

    private ContentionManager() {}

    /**
     * Whether the next attempt runs inevitable, after the {@code conflicts}-th
     * conflict in a row, lost by an attempt that had logged {@code reads} reads.
     */
    static boolean shouldEscalate(int conflicts, int reads) {
        return conflicts >= ESCALATE_AFTER || reads >= LONG_READS;
    }

    /** Randomized exponential backoff after the {@code conflicts}-th conflict in a row. */
    static void backoff(int conflicts, int random) {
        int limit = 1 << Math.min(conflicts + 3, 12); // 16 .. 4096 spins
        int spins = (random & 0x7FFFFFFF) % limit;
        for (int i = 0; i < spins; i++) {
            Thread.onSpinWait();
        }
        if (conflicts >= 3) {
            // Give a descheduled winner the CPU (2 cores, more threads).
            if (conflicts >= 5) {
                LockSupport.parkNanos(((random >>> 8) & 63) * 1000L + 1000L);
            } else {
                Thread.yield();
            }
        }
    }
}
