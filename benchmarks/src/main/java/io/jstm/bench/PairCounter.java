package io.jstm.bench;

import io.jstm.LongRef;
import io.jstm.Stm;

/**
 * Two refs incremented together, one transaction per increment, with a count of
 * the commits: the writer of {@link HistoryBench} and {@link AfterBurstBench}.
 * Confined to the benchmark thread, except {@link #a} and {@link #b}, which
 * readers read in transactions.
 */
final class PairCounter {
    final LongRef a = LongRef.of(0);
    final LongRef b = LongRef.of(0);
    private long commits;

    /** One transaction: both refs plus one. */
    void commit() {
        Stm.atomic(() -> {
            a.set(a.get() + 1);
            b.set(b.get() + 1);
        });
        commits++;
    }

    /** Throws unless both refs equal the commits made: the benchmarks' per-iteration check. */
    void check(String bench) {
        long x = a.get(), y = b.get();
        if (x != commits || y != commits) {
            throw new IllegalStateException(bench + ": the pair is " + x + ", " + y + " after " + commits + " commits");
        }
    }
}
