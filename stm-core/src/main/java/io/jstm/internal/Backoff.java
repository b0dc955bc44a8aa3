package io.jstm.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * Waiting for a short-lived condition (a committer's lock, a cleared mark):
 * spin with {@link Thread#onSpinWait()} first, then yield, then park for a
 * growing but bounded time, so a descheduled lock holder on a 2-core machine
 * gets the CPU back instead of being starved by spinners.
 */
final class Backoff {
    private Backoff() {}

    static void pause(int round) {
        if (round < 64) {
            Thread.onSpinWait();
        } else if (round < 96) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(1000L << Math.min(round - 96, 6)); // 1 us .. 64 us
        }
    }
}
