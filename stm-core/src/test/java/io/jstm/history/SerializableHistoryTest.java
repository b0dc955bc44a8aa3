package io.jstm.history;

import io.jstm.history.HistoryWorkload.Config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs random transactions on several threads, records every attempt (see
 * {@link HistoryWorkload}) and checks the whole history with the
 * {@link HistoryChecker}: no aborted, discarded or intermediate reads, read
 * your writes, no dependency cycle among committed transactions
 * (serializability, and with real time strict serializability), and a
 * consistent snapshot for every attempt, including those that aborted or threw
 * (opacity).
 *
 * <p>Each test is bounded by a count of transactions per thread and by a time
 * limit; on two busy cores the whole class takes a few seconds. Workers yield
 * inside one access in ten so that commits land in the middle of attempts even
 * when few cores are free. The statistics of each run (attempts by outcome,
 * reads, dependency edges) go to the test's standard output.
 */
class SerializableHistoryTest {

    private static final Duration TIME_LIMIT = Duration.ofSeconds(8);
    private static final int THROW_PERCENT = 6;
    private static final int YIELD_PERCENT = 10;

    private static HistoryChecker.Stats runAndCheck(int refs, int threads, int txnsPerThread, long seed, Mix mix)
            throws InterruptedException {
        Config config = new Config(refs, threads, txnsPerThread, seed, TIME_LIMIT, mix, THROW_PERCENT, YIELD_PERCENT);
        return runAndCheck(config, new HistoryWorkload(config)::run);
    }

    /** Produces a history by running a workload. */
    @FunctionalInterface
    interface Run {
        History run() throws InterruptedException;
    }

    /**
     * Runs a workload, checks its history and prints the statistics; fails on any
     * anomaly, or if nothing committed or no transaction rolled back. Returns the statistics.
     */
    static HistoryChecker.Stats runAndCheck(Object config, Run workload) throws InterruptedException {
        long t0 = System.nanoTime();
        History history = workload.run();
        long t1 = System.nanoTime();
        HistoryChecker.Result result = HistoryChecker.check(history);
        long t2 = System.nanoTime();
        System.out.printf("%s%n  ran %d ms, checked %d ms: %s%n", config, (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000, result.stats());
        assertTrue(result.ok(), result::report);
        assertTrue(result.stats().committed() > 0, () -> "nothing committed: " + result.stats());
        assertTrue(result.stats().rolledBack() > 0, () -> "no planted exception was thrown: " + result.stats());
        return result.stats();
    }

    @Test
    void highContentionHistoryIsStrictlySerializableAndOpaque() throws InterruptedException {
        HistoryChecker.Stats s = runAndCheck(4, 4, 4_000, 1, Mix.BALANCED);
        assertTrue(s.aborted() > 0, () -> "no attempt aborted, so none was checked: " + s);
    }

    @Test
    void lowContentionHistoryIsStrictlySerializableAndOpaque() throws InterruptedException {
        runAndCheck(16, 3, 5_000, 2, Mix.BALANCED);
    }

    @Test
    void twoThreadHistoryIsStrictlySerializableAndOpaque() throws InterruptedException {
        runAndCheck(8, 2, 6_000, 3, Mix.BALANCED);
    }

    @Test
    void readMostlyHistoryWithLongSnapshotsIsStrictlySerializableAndOpaque() throws InterruptedException {
        runAndCheck(12, 4, 3_000, 4, Mix.READ_MOSTLY);
    }
}
