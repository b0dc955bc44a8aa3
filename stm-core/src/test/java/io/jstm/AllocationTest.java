package io.jstm;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The steady state of a small transaction allocates nothing: the descriptor,
 * read set and write set are reused. Measured in bytes allocated by this
 * thread (exact, not timing-based).
 */
class AllocationTest {

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void aSmallReadWriteTransactionAllocatesNothingInTheSteadyState() {
        LongRef[] refs = new LongRef[10];
        Ref<String>[] objs = newRefs();
        for (int i = 0; i < refs.length; i++) {
            refs[i] = LongRef.of(i);
        }
        String constant = "v";
        Runnable txn = () -> {
            long s = 0;
            for (int i = 0; i < 8; i++) {
                s += refs[i].get();
            }
            refs[8].set(s);
            refs[9].set(s + 1);
            objs[0].set(objs[1].get() == null ? constant : objs[1].get());
        };
        for (int i = 0; i < 20_000; i++) {
            Stm.atomic(txn); // warm up: descriptor, arrays, JIT
        }
        int n = 100_000;
        long before = allocated();
        for (int i = 0; i < n; i++) {
            Stm.atomic(txn);
        }
        long perTxn = (allocated() - before) / n;
        assertEquals(0, perTxn, "bytes allocated per small transaction");
    }

    @Test
    void aReadOnlyTransactionAllocatesNothingInTheSteadyState() {
        LongRef[] refs = new LongRef[64];
        for (int i = 0; i < refs.length; i++) {
            refs[i] = LongRef.of(i);
        }
        long[] sink = new long[1];
        Runnable txn = () -> {
            long s = 0;
            for (LongRef r : refs) {
                s += r.get();
            }
            sink[0] = s;
        };
        for (int i = 0; i < 20_000; i++) {
            Stm.atomic(txn);
        }
        int n = 50_000;
        long before = allocated();
        for (int i = 0; i < n; i++) {
            Stm.atomic(txn);
        }
        assertEquals(0, (allocated() - before) / n);
        assertEquals(2016, sink[0]);
    }

    @SuppressWarnings("unchecked")
    private static Ref<String>[] newRefs() {
        return new Ref[] {Ref.of(null), Ref.of("x")};
    }
}
