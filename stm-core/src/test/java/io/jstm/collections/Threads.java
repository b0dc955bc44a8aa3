package io.jstm.collections;

import java.time.Duration;

/**
 * Helpers for the collection concurrency tests: their time limit (workers are
 * {@code new Workers(Threads.LIMIT)}) and a bounded wait for a thread to block.
 */
final class Threads {
    private Threads() {}

    static final Duration LIMIT = Duration.ofSeconds(60);

    /** Waits (bounded) until {@code t} is parked, e.g. blocked in {@code Stm.retry()}. */
    static void awaitBlocked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline || !t.isAlive()) {
                throw new AssertionError(t.getName() + " did not block; state " + t.getState());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
