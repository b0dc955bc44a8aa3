package io.jstm.internal;

import io.jstm.StmStatistics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-thread counters, summed on demand.
 *
 * <h2>Overview</h2>
 * Each descriptor owns one {@code Statistics}; only its thread writes it, with
 * opaque stores (atomic, no fence: a counter bump costs a plain store), and a
 * reader sums every live one with opaque loads. Counters of threads that died
 * are folded into {@link #retired} when noticed (on each registration sweep
 * and each read), so nothing is lost and the registry does not grow with
 * dead threads. Reset records a baseline instead of writing other threads'
 * counters.
 */
public final class Statistics {
    static final int COMMITS = 0, READ_INVALIDATED = 1, WRITE_WRITE = 2, LOST_TO_INEVITABLE = 3,
            RETRIES = 4, INEVITABLE = 5, ESCALATIONS = 6, WASTED = 7, N = 8;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    /** Counters, written by the owner with setOpaque, read by anyone with getOpaque. */
    private final long[] counts = new long[N];
    /** Longest timed transaction, owner-written with setOpaque. */
    private final long[] longest = new long[1];

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final List<Entry> LIVE = new ArrayList<>();
    private static final long[] retired = new long[N];
    private static long retiredLongest;
    private static long[] baseline = new long[N];
    private static int registrations;

    private record Entry(WeakReference<Thread> thread, Statistics stats) {}

    static Statistics register(Thread owner) {
        Statistics s = new Statistics();
        LOCK.lock();
        try {
            if ((++registrations & 63) == 0) {
                sweep();
            }
            LIVE.add(new Entry(new WeakReference<>(owner), s));
        } finally {
            LOCK.unlock();
        }
        return s;
    }

    void add(int counter, long delta) {
        SLOT.setOpaque(counts, counter, (long) SLOT.getOpaque(counts, counter) + delta);
    }

    void recordDuration(long nanos) {
        if (nanos > (long) SLOT.getOpaque(longest, 0)) {
            SLOT.setOpaque(longest, 0, nanos);
        }
    }

    /**
     * Folds dead threads' counters into {@link #retired}. Caller holds LOCK. One
     * pass ({@code removeIf} compacts once): removing through an iterator shifted
     * the rest of the list per dead thread, quadratic with many threads alive.
     */
    private static void sweep() {
        LIVE.removeIf(Statistics::retireIfDead);
    }

    /** True (after folding its counters into {@link #retired}) if {@code e}'s thread has ended. Caller holds LOCK. */
    private static boolean retireIfDead(Entry e) {
        Thread t = e.thread.get();
        if (t != null && t.isAlive()) {
            return false;
        }
        for (int i = 0; i < N; i++) {
            retired[i] += (long) SLOT.getOpaque(e.stats.counts, i);
        }
        retiredLongest = Math.max(retiredLongest, (long) SLOT.getOpaque(e.stats.longest, 0));
        return true;
    }

    private static long[] totals() {
        sweep();
        long[] sum = retired.clone();
        for (Entry e : LIVE) {
            for (int i = 0; i < N; i++) {
                sum[i] += (long) SLOT.getOpaque(e.stats.counts, i);
            }
        }
        return sum;
    }

    public static StmStatistics snapshot() {
        LOCK.lock();
        try {
            long[] t = totals();
            long longestNow = retiredLongest;
            for (Entry e : LIVE) {
                longestNow = Math.max(longestNow, (long) SLOT.getOpaque(e.stats.longest, 0));
            }
            long[] b = baseline;
            return new StmStatistics(t[COMMITS] - b[COMMITS], t[READ_INVALIDATED] - b[READ_INVALIDATED],
                    t[WRITE_WRITE] - b[WRITE_WRITE], t[LOST_TO_INEVITABLE] - b[LOST_TO_INEVITABLE],
                    t[RETRIES] - b[RETRIES], t[INEVITABLE] - b[INEVITABLE], t[ESCALATIONS] - b[ESCALATIONS],
                    t[WASTED] - b[WASTED], longestNow);
        } finally {
            LOCK.unlock();
        }
    }

    /** Starts counting from zero again (the longest-transaction figure included). */
    public static void reset() {
        LOCK.lock();
        try {
            baseline = totals();
            retiredLongest = 0;
            for (Entry e : LIVE) {
                // The owner may race with this store; the worst case is one stale maximum.
                SLOT.setOpaque(e.stats.longest, 0, 0L);
            }
        } finally {
            LOCK.unlock();
        }
    }
}
