package io.jstm.history;

import io.jstm.testing.Workers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the worker threads of a workload, one {@link HistoryRecorder} each, and
 * gathers their attempts into a {@link History}; the threads are {@link Workers}.
 *
 * <p>The workers run in rounds. In a round they start together (each spins
 * until all are running: a latch wakes them one after another), then each runs
 * transactions until it has run {@code txnsPerThread} of them or the time limit
 * has passed, and the round ends when all are joined (with a timeout: an engine
 * that hangs fails the test instead of hanging it). Warmed up, a round takes a
 * few milliseconds, and a busy two-core machine may run its workers one after
 * the other: a history without concurrency, whose checks prove nothing. So
 * rounds repeat, on the same refs and recorders, until the history holds
 * {@link #MIN_ABORTED} aborted attempts, or {@link #MAX_ROUNDS} rounds ran, or
 * the time limit passed.
 */
final class Rounds {

    /** Runs one transaction (or one operation outside any) of a worker, recording it with {@code rec}. */
    @FunctionalInterface
    interface Step {
        void run(HistoryRecorder rec, SplittableRandom plans);
    }

    /** How long past the time limit a worker may take to finish its last transaction. */
    private static final Duration GRACE = Duration.ofSeconds(20);

    private Rounds() {}

    /** Enough aborted attempts to show that the workers ran concurrently. */
    static final int MIN_ABORTED = 100;
    private static final int MAX_ROUNDS = 8;

    /**
     * Runs {@code threads} workers and returns the history, with {@code initial} as the refs' initial values.
     * Worker {@code t} draws its plans from {@code new SplittableRandom(seed * 31 + t)}.
     *
     * @throws AssertionError if a worker failed unexpectedly or did not finish
     *         within the time limit plus a grace period (a hang)
     */
    static History run(int threads, int txnsPerThread, long seed, Duration timeLimit, long[] initial, Step step)
            throws InterruptedException {
        List<HistoryRecorder> recorders = new ArrayList<>();
        List<SplittableRandom> plans = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            recorders.add(new HistoryRecorder(t));
            plans.add(new SplittableRandom(seed * 31 + t));
        }
        long deadline = System.nanoTime() + timeLimit.toNanos();
        for (int round = 0; round < MAX_ROUNDS && System.nanoTime() < deadline; round++) {
            runRound(recorders, plans, txnsPerThread, deadline, step);
            if (aborted(recorders) >= MIN_ABORTED) {
                break;
            }
        }
        History h = new History(initial);
        for (HistoryRecorder rec : recorders) {
            h.addAll(rec.attempts());
        }
        return h;
    }

    private static void runRound(List<HistoryRecorder> recorders, List<SplittableRandom> plans, int txnsPerThread,
                                 long deadline, Step step) throws InterruptedException {
        int threads = recorders.size();
        AtomicInteger started = new AtomicInteger();
        Workers workers = new Workers().start("history-worker", threads, t -> {
            HistoryRecorder rec = recorders.get(t);
            SplittableRandom rnd = plans.get(t);
            started.incrementAndGet();
            while (started.get() < threads && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            for (int i = 0; i < txnsPerThread && System.nanoTime() < deadline; i++) {
                step.run(rec, rnd);
            }
        });
        // A hang (an engine that never returns) or a worker's failure fails the test instead of hanging it.
        workers.join(Duration.ofNanos(Math.max(1_000_000, deadline + GRACE.toNanos() - System.nanoTime())));
    }

    private static long aborted(List<HistoryRecorder> recorders) {
        return recorders.stream().flatMap(r -> r.attempts().stream())
                .filter(a -> a.outcome() == Attempt.Outcome.ABORTED).count();
    }
}
