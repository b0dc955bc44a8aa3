package io.jstm.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The tests' one bounded wait for a state: for observing a state, never for ordering. */
public final class Await {
    private Await() {}

    /**
     * Polls (yielding between checks) until {@code condition} holds; fails the
     * test with "timed out after {@code limit} waiting until {@code what}" if it
     * does not within {@code limit}.
     */
    public static void until(String what, BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit + " waiting until " + what);
            }
            Thread.yield();
        }
    }
}
