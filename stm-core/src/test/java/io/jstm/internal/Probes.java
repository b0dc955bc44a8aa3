package io.jstm.internal;

/** Test access to engine state that the public API does not show. */
public final class Probes {
    private Probes() {}

    public static boolean anyRetryWaiters() {
        return RetryWaiters.anyWaiting();
    }

    /** Commits that stopped waiting for their turn behind an older woken call (see RetryWaiters.awaitTurn). */
    public static long turnsPassed() {
        return RetryWaiters.turnsPassed();
    }

    /** Woken calls still in service (0 once every blocking call has ended). */
    public static int retryCallsInService() {
        return RetryWaiters.servingCount();
    }

    public static boolean anyInevitableRunning() {
        return InevitableToken.isLocked();
    }
}
