package io.jstm.dispatch;

import io.jstm.LongRef;
import io.jstm.testing.Await;
import io.jstm.testing.OtherThread;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Shared helpers for the dispatch tests: bounded waits, forced conflicts, a persistent list. */
final class DispatchTestSupport {
    static final Duration LIMIT = Duration.ofSeconds(30);
    /** A prime modulus for order-sensitive arithmetic. */
    static final long P = 1_000_000_007L;

    private DispatchTestSupport() {}

    /** Waits (bounded) for the future and returns its value; rethrows its failure as ExecutionException. */
    static <T> T await(CompletableFuture<T> f) throws ExecutionException, InterruptedException {
        try {
            return f.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("future did not complete within " + LIMIT, e);
        }
    }

    /** Waits (bounded, polling) until {@code condition} holds: for observing a state, never for ordering. */
    static void awaitCondition(String what, BooleanSupplier condition) {
        Await.until(what, condition, LIMIT);
    }

    /** True when {@code t} is parked on a {@code Condition} (not merely contending for a lock). */
    static boolean parkedOnCondition(Thread t) {
        Object blocker = LockSupport.getBlocker(t);
        return t.getState() == Thread.State.WAITING && blocker != null
                && blocker.getClass().getName().contains("ConditionObject");
    }

    /**
     * Inside a transaction: reads {@code r}, and the first time only, has another
     * thread change it at once. The caller's transaction, if it writes anything,
     * then fails validation and is re-run: one deterministic conflict abort.
     */
    static void conflictOnce(LongRef r, AtomicBoolean done) {
        r.get();
        if (done.compareAndSet(false, true)) {
            OtherThread.run("conflicting-writer", r::incrementAndGet);
        }
    }

    /** An immutable cons list, newest first, so that appending in a transaction is O(1). */
    record Cons(long head, Cons tail) {
        static Cons push(Cons list, long value) {
            return new Cons(value, list);
        }

        /** Oldest first. */
        static List<Long> toList(Cons list) {
            List<Long> out = new ArrayList<>();
            for (Cons c = list; c != null; c = c.tail) {
                out.add(c.head);
            }
            Collections.reverse(out);
            return out;
        }
    }
}
