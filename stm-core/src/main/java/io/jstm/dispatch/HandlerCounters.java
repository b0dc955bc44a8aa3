package io.jstm.dispatch;

import java.util.concurrent.atomic.LongAdder;

/**
 * The mutable counters behind one {@link HandlerStatistics}. Workers add to
 * them concurrently ({@link LongAdder}: no contended word); a snapshot reads
 * each counter separately, so it may be off by the few runs finishing meanwhile.
 */
final class HandlerCounters {
    private final LongAdder commits = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder conflictAborts = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder orderWaits = new LongAdder();

    /** Records one finished run; {@code failure} is what {@link TransactionalTask#execute} returned. */
    void record(TransactionalTask run, Throwable failure) {
        if (run.committed) {
            commits.increment();
        }
        if (failure != null) {
            failures.increment();
        }
        if (run.conflictAborts != 0) {
            conflictAborts.add(run.conflictAborts);
        }
        if (run.retries != 0) {
            retries.add(run.retries);
        }
        if (run.orderWaits != 0) {
            orderWaits.add(run.orderWaits);
        }
    }

    HandlerStatistics snapshot() {
        return new HandlerStatistics(commits.sum(), failures.sum(), conflictAborts.sum(), retries.sum(),
                orderWaits.sum());
    }
}
