package io.jstm.collections;

import io.jstm.LongRef;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongUnaryOperator;

/**
 * The element count of a {@link TMap} or {@link TSet}, striped so that
 * writers do not conflict on it.
 *
 * <h2>Overview</h2>
 * A fixed array of {@link LongRef} stripes; the count is their sum. A writer
 * adds to the stripe of its thread ({@code thread id mod stripes}, so that
 * threads with neighbouring ids never share one) with
 * {@link LongRef#commute}: the addition is applied to the latest committed
 * stripe value at commit time, so two inserting transactions never conflict
 * here even when they share a stripe; a stripe per thread only keeps their
 * commits from queueing on the same cell lock. {@link #sum()} reads every
 * stripe, so it conflicts with (or, read-only, is served a snapshot across)
 * concurrent inserts and removes, as any exact size must.
 *
 * <p>Stripes are created lazily: an empty map pays for an array of null
 * pointers, a map written by one thread for one stripe. A new stripe holds 0,
 * which is what the missing one meant, so creating it changes nothing a
 * transaction can observe; it is installed with a CAS so that every thread
 * uses the same cell.
 */
final class SizeCounter {
    private static final int STRIPES = stripesFor(Runtime.getRuntime().availableProcessors());
    private static final String STRIPE_NAME = "size-stripe";
    private static final LongUnaryOperator INCREMENT = v -> v + 1;
    private static final LongUnaryOperator DECREMENT = v -> v - 1;

    /** Installed once each with compareAndExchange (volatile) and read with getAcquire, so a
     *  stripe seen is seen initialised; never replaced. */
    private final LongRef[] stripes = new LongRef[STRIPES];

    private static final VarHandle STRIPE = MethodHandles.arrayElementVarHandle(LongRef[].class);

    static int stripesFor(int processors) {
        int n = Integer.highestOneBit(Math.max(2, processors) * 2 - 1) << 1; // next power of two >= 2 * cpus
        return Math.min(64, Math.max(4, n));
    }

    /** Counts one more element; call inside a transaction. */
    void increment() {
        stripe(home()).commute(INCREMENT);
    }

    /** Counts one element fewer; call inside a transaction. */
    void decrement() {
        stripe(home()).commute(DECREMENT);
    }

    /** The exact count: reads every stripe. Call inside a transaction. */
    long sum() {
        long sum = 0;
        for (int i = 0; i < STRIPES; i++) {
            sum += stripe(i).get();
        }
        return sum;
    }

    /** Sets the count to zero; call inside a transaction. */
    void reset() {
        for (int i = 0; i < STRIPES; i++) {
            LongRef r = stripe(i);
            if (r.get() != 0) {
                r.set(0);
            }
        }
    }

    private static int home() {
        return (int) Thread.currentThread().getId() & (STRIPES - 1);
    }

    private LongRef stripe(int i) {
        LongRef r = (LongRef) STRIPE.getAcquire(stripes, i);
        return r != null ? r : install(i);
    }

    private LongRef install(int i) {
        LongRef fresh = LongRef.named(STRIPE_NAME, 0);
        LongRef witness = (LongRef) STRIPE.compareAndExchange(stripes, i, null, fresh);
        return witness == null ? fresh : witness;
    }
}
