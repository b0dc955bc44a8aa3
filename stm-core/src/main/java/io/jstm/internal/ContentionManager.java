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
 */
final class ContentionManager {
    /** Conflict aborts after which an attempt runs inevitable ({@code -Djstm.escalateAfter}, default 8). */
    static final int ESCALATE_AFTER = Math.max(1, Integer.getInteger("jstm.escalateAfter", 8));

    private ContentionManager() {}

    static boolean shouldEscalate(int conflicts) {
        return conflicts >= ESCALATE_AFTER;
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
