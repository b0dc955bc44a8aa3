package io.jstm.dispatch;

/**
 * Counters for the handlers registered for one event type (or for the tasks
 * given to {@link EventDispatcher#submit}), part of {@link DispatchStatistics}.
 *
 * @param commits        handler runs whose transaction committed
 * @param failures       handler runs that failed: the block threw (and was rolled back), or an after-commit action threw
 * @param conflictAborts attempts rolled back because of a conflict with another transaction (then re-run)
 * @param retries        attempts ended by {@link io.jstm.Stm#retry()} (then re-run): the handler's own, or, in
 *                       ordered mode, re-runs because an earlier event changed what the handler had read
 * @param orderWaits     ordered mode: runs that reached their end before their turn and waited for earlier events
 */
public record HandlerStatistics(long commits, long failures, long conflictAborts, long retries, long orderWaits) {

    /** No runs yet. */
    public static final HandlerStatistics NONE = new HandlerStatistics(0, 0, 0, 0, 0);

    /** Conflict aborts per finished run (0 when none ran): how often a run had to be repeated. */
    public double abortsPerRun() {
        long runs = commits + failures;
        return runs == 0 ? 0 : (double) conflictAborts / runs;
    }

    @Override
    public String toString() {
        return String.format("commits=%d failures=%d conflictAborts=%d (%.3f/run) retries=%d orderWaits=%d",
                commits, failures, conflictAborts, abortsPerRun(), retries, orderWaits);
    }
}
