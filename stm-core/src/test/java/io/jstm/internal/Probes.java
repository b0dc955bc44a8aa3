package io.jstm.internal;

/** Test access to engine state that the public API does not show. */
public final class Probes {
    private Probes() {}

    public static boolean anyRetryWaiters() {
        return RetryWaiters.anyWaiting();
    }

    public static boolean anyInevitableRunning() {
        return InevitableToken.isLocked();
    }
}
