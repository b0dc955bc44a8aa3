package io.jstm.history;

import io.jstm.history.LongArrayWorkload.Config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link io.jstm.LongArray} under the history checker: random transactions over
 * the elements of two arrays (see {@link LongArrayWorkload}), every attempt
 * recorded, the whole history checked by {@link HistoryChecker} as in
 * {@link SerializableHistoryTest}: no aborted, discarded or intermediate reads,
 * read your writes, no dependency cycle among committed transactions (strict
 * serializability), and one consistent snapshot for every attempt, aborted and
 * rolled back ones included (opacity). Elements are the checker's refs, so a
 * stripe's shared version cannot hide a wrong element.
 *
 * <p>Each test is bounded by a count of transactions per thread and by a time
 * limit (a few seconds at most on two busy cores); the statistics of each run
 * go to the test's standard output.
 */
class LongArrayHistoryTest {

    private static final Duration TIME_LIMIT = Duration.ofSeconds(4);
    private static final int THROW_PERCENT = 6;
    private static final int YIELD_PERCENT = 10;

    private static HistoryChecker.Stats runAndCheck(int threads, int txnsPerThread, long seed, Mix mix)
            throws InterruptedException {
        Config config = new Config(threads, txnsPerThread, seed, TIME_LIMIT, mix, THROW_PERCENT, YIELD_PERCENT);
        LongArrayWorkload workload = new LongArrayWorkload(config);
        HistoryChecker.Stats s = SerializableHistoryTest.runAndCheck(config, workload::run);
        assertTrue(s.aborted() > 0, () -> "no attempt aborted, so none was checked: " + s);
        assertTrue(workload.committedBlindWrites() > 0, () -> "no blind write committed: " + s);
        return s;
    }

    @Test
    void fourThreadElementHistoryIsStrictlySerializableAndOpaque() throws InterruptedException {
        runAndCheck(4, 3_000, 11, Mix.BALANCED);
    }

    @Test
    void twoThreadElementHistoryIsStrictlySerializableAndOpaque() throws InterruptedException {
        runAndCheck(2, 5_000, 12, Mix.BALANCED);
    }

    @Test
    void readMostlyElementHistoryWithLongSnapshotsIsStrictlySerializableAndOpaque() throws InterruptedException {
        runAndCheck(3, 3_000, 13, Mix.READ_MOSTLY);
    }
}
