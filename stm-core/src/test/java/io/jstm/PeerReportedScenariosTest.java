package io.jstm;

import io.jstm.collections.TMap;
import io.jstm.internal.Probes;
import io.jstm.testing.Await;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Problems users reported against other JVM STMs (ZIO STM, cats-stm, Kyo,
 * ScalaSTM, Clojure), each turned into the scenario that would show it in jstm.
 */
class PeerReportedScenariosTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    /**
     * A retry from a nested block inside an orElse branch (ZIO #868, cats-stm #13:
     * orElse must undo exactly the branch): the branch's writes and its nested
     * block's are undone, its rollback hook runs once, the writes made before the
     * orElse stand, and the second branch runs.
     */
    @Test
    void aRetryFromANestedBlockInsideAnOrElseBranchUndoesOnlyThatBranch() {
        LongRef a = LongRef.of(0);
        LongRef gate = LongRef.of(0);
        List<String> log = new ArrayList<>();
        long v = Stm.atomic(() -> {
            a.set(5);
            return Stm.orElse(() -> {
                a.set(6);
                return Stm.atomic(() -> {
                    a.set(7);
                    Stm.afterRollback(() -> log.add("nested undone"));
                    if (gate.get() == 0) {
                        Stm.retry();
                    }
                    return 1L;
                });
            }, a::get);
        });
        assertEquals(5, v, "the second branch saw the write made before the orElse, not the branch's");
        assertEquals(5, a.get());
        assertEquals(List.of("nested undone"), log);
    }

    /**
     * Both branches retry from nested blocks (ZIO #8696): the transaction blocks and
     * a change to what the first branch read, made by another thread, wakes it.
     */
    @Test
    void whenBothBranchesRetryFromNestedBlocksAChangeToTheFirstBranchsReadWakesIt() throws Exception {
        LongRef gate = LongRef.of(0);
        LongRef other = LongRef.of(0);
        AtomicInteger runs = new AtomicInteger();
        Object result = resultOnceWoken(() -> Stm.atomic(() -> {
            runs.incrementAndGet();
            return Stm.orElse(
                    () -> Stm.atomic(() -> {
                        long g = gate.get();
                        if (g == 0) {
                            Stm.retry();
                        }
                        return g;
                    }),
                    () -> Stm.atomic(() -> {
                        if (other.get() == 0) {
                            Stm.retry();
                        }
                        return -1L;
                    }));
        }), () -> gate.set(42));
        assertEquals(42L, result);
        assertTrue(runs.get() >= 2, "it blocked and ran again: " + runs.get());
        assertFalse(Probes.anyRetryWaiters());
    }

    /**
     * A thread whose interrupt flag is already set (ZIO PR #4171's neighbour): a
     * transaction that does not block commits as usual; one that would block
     * throws at once with the flag still set, leaving refs and waiters as they were.
     */
    @Test
    void anAlreadyInterruptedThreadCommitsButDoesNotBlock() {
        LongRef r = LongRef.of(0);
        LongRef counter = LongRef.of(0);
        Thread.currentThread().interrupt();
        try {
            Stm.atomic(() -> r.set(r.get() + 1));
            Stm.atomic(() -> counter.commute(x -> x + 1));
            assertTrue(Thread.currentThread().isInterrupted(), "committing keeps the flag");
            TransactionInterruptedException e = assertThrows(TransactionInterruptedException.class,
                    () -> Stm.atomic(() -> {
                        long v = r.get();
                        r.set(100);
                        if (v < 1_000) {
                            Stm.retry();
                        }
                    }));
            assertNotNull(e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the flag stays set");
        } finally {
            Thread.interrupted();
        }
        assertEquals(1, r.get(), "the blocked attempt's write was rolled back");
        assertEquals(1, counter.get());
        assertFalse(Probes.anyRetryWaiters(), "no waiter left behind");
    }

    /**
     * A commit made only of commutes must wake a transaction blocked on the ref,
     * inside a transaction and outside one (a commute outside is an atomic update).
     */
    @Test
    void aCommuteOnlyCommitWakesAWaiter() throws Exception {
        for (boolean inside : new boolean[] {true, false}) {
            LongRef c = LongRef.of(0);
            Object result = resultOnceWoken(() -> Stm.atomic(() -> {
                long v = c.get();
                if (v == 0) {
                    Stm.retry();
                }
                return v;
            }), inside ? () -> Stm.atomic(() -> c.commute(x -> x + 3)) : () -> c.commute(x -> x + 3));
            assertEquals(3L, result, inside ? "commute inside a transaction" : "commute outside");
        }
    }

    /** A put into a TMap outside a transaction wakes a transaction waiting for the key. */
    @Test
    void anOutsidePutIntoATMapWakesAWaiter() throws Exception {
        TMap<String, Integer> m = new TMap<>();
        Object result = resultOnceWoken(() -> Stm.atomic(() -> {
            Integer v = m.get("k");
            if (v == null) {
                Stm.retry();
            }
            return v;
        }), () -> m.put("k", 9));
        assertEquals(9, result);
    }

    /**
     * An exception thrown by an attempt whose reads are out of date is not the
     * caller's (Kyo PR #1169): the block re-runs on the current values. Here the
     * first attempt is read-only and reads its second ref from history (a
     * consistent but old snapshot): its "insufficient funds" describes a balance
     * that a deposit has since changed, so the block runs again and withdraws.
     */
    @Test
    void anExceptionFromAnAttemptThatReadAStaleValueIsRetriedNotThrown() throws Exception {
        LongRef balance = LongRef.of(0);
        LongRef withdrawn = LongRef.of(0);
        CountDownLatch readOnce = new CountDownLatch(1);
        CountDownLatch deposited = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<Object> result = new AtomicReference<>();
        Thread withdrawer = new Thread(() -> {
            try {
                Stm.atomic(() -> {
                    long b = balance.get();
                    if (attempts.incrementAndGet() == 1) {
                        readOnce.countDown();
                        try {
                            deposited.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    // Read after the deposit committed: with b it shows the stale snapshot.
                    if (withdrawn.get() + b < 50) {
                        throw new IllegalStateException("insufficient funds: " + b);
                    }
                    balance.set(b - 50);
                    withdrawn.set(withdrawn.get() + 50);
                });
                result.set("ok");
            } catch (Throwable t) {
                result.set(t);
            }
        });
        withdrawer.start();
        assertTrue(readOnce.await(30, TimeUnit.SECONDS));
        Stm.atomic(() -> {
            balance.set(100);
            withdrawn.set(0);
        });
        deposited.countDown();
        withdrawer.join(LIMIT.toMillis());
        assertFalse(withdrawer.isAlive());
        assertEquals("ok", result.get(), "the stale attempt's exception must not reach the caller");
        assertEquals(2, attempts.get());
        assertEquals(50, balance.get());
        assertEquals(50, withdrawn.get());
    }

    /**
     * More transactions at once than the snapshot registry has slots (512; many
     * threads, as virtual-thread users run): the ones without a slot cannot read
     * old versions, so they abort when a writer overtakes them, and must still
     * finish (escalation) and never see a torn pair.
     */
    @Test
    void moreConcurrentReadersThanRegistrySlotsAllFinishConsistent() throws Exception {
        LongRef x = LongRef.of(0);
        LongRef y = LongRef.of(0);
        int readers = 600;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                while (!stop.get()) {
                    Stm.atomic(() -> {
                        x.set(x.get() + 1);
                        y.set(y.get() + 1);
                    });
                    LockSupport.parkNanos(20_000);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "writer");
        CountDownLatch done = new CountDownLatch(readers);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger torn = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    long[] pair = Stm.atomic(() -> {
                        long a = x.get();
                        LockSupport.parkNanos(2_000_000);
                        return new long[] {a, y.get()};
                    });
                    if (pair[0] != pair[1]) {
                        torn.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "reader " + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        writer.start();
        start.countDown();
        try {
            assertTrue(done.await(120, TimeUnit.SECONDS), "every reader finished; left: " + done.getCount());
        } finally {
            stop.set(true);
            writer.join(LIMIT.toMillis());
        }
        for (Thread t : threads) {
            t.join(LIMIT.toMillis());
        }
        assertNull(failure.get());
        assertEquals(0, torn.get(), "a reader saw x and y from different commits");
    }

    /**
     * A lazy iterator taken inside a transaction and used after it (ZIO PR #9280's
     * neighbour): it must not throw or repeat keys while other threads change the
     * map, and must see every key that was there all along.
     */
    @Test
    void aTMapIteratorThatOutlivesItsTransactionStaysSane() throws Exception {
        TMap<Integer, Integer> m = new TMap<>();
        for (int k = 0; k < 1_000; k++) {
            m.put(k, k);
        }
        Iterator<Integer> it = Stm.atomic(() -> {
            Iterator<Integer> i = m.keySet().iterator();
            i.next();
            return i;
        });
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread churn = new Thread(() -> {
            try {
                for (int round = 0; round < 200 && !stop.get(); round++) {
                    for (int k = 1_000; k < 1_400; k++) {
                        m.put(k, k);
                    }
                    for (int k = 1_000; k < 1_400; k++) {
                        m.remove(k);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        churn.start();
        Set<Integer> seen = new HashSet<>();
        try {
            while (it.hasNext()) {
                Integer k = it.next();
                assertTrue(seen.add(k), "key " + k + " came twice");
            }
        } finally {
            stop.set(true);
            churn.join(LIMIT.toMillis());
        }
        assertNull(failure.get());
        for (int k = 1; k < 1_000; k++) {
            assertTrue(seen.contains(k), "key " + k + " was there all along but not seen");
        }
    }

    /**
     * The thread's transaction descriptor is reused for every transaction; it
     * must not keep alive what a finished transaction wrote, read, commuted or
     * rolled back (twitter/util #118's thread-local leak).
     */
    @Test
    void finishedTransactionsLeaveNothingReachableFromTheThread() {
        Ref<Object> r = Ref.of(null);
        LongRef c = LongRef.of(0);
        List<WeakReference<Object>> gone = List.of(
                committedThenOverwritten(r),
                writtenThenRolledBack(r),
                writtenInARetriedOrElseBranch(r, c),
                capturedByACommute(c),
                readInATransaction());
        Stm.atomic(() -> r.set(null));
        Await.until("every value is collected", () -> {
            System.gc();
            return gone.stream().allMatch(w -> w.get() == null);
        }, LIMIT);
        assertNull(r.get());
    }

    // Each value is made in a method of its own, so that no local variable of the test keeps it.

    private static WeakReference<Object> committedThenOverwritten(Ref<Object> r) {
        Object v = new byte[1 << 16];
        Stm.atomic(() -> r.set(v));
        return new WeakReference<>(v);
    }

    private static WeakReference<Object> writtenThenRolledBack(Ref<Object> r) {
        Object v = new byte[1 << 16];
        assertThrows(IllegalStateException.class, () -> Stm.atomic(() -> {
            r.set(v);
            throw new IllegalStateException("roll back");
        }));
        return new WeakReference<>(v);
    }

    private static WeakReference<Object> writtenInARetriedOrElseBranch(Ref<Object> r, LongRef c) {
        Object v = new byte[1 << 16];
        Stm.atomic(() -> Stm.orElse(() -> {
            r.set(v);
            c.get();
            Stm.retry();
            return null;
        }, () -> null));
        return new WeakReference<>(v);
    }

    private static WeakReference<Object> capturedByACommute(LongRef c) {
        Object v = new byte[1 << 16];
        Stm.atomic(() -> c.commute(x -> x + (v.hashCode() & 0)));
        return new WeakReference<>(v);
    }

    private static WeakReference<Object> readInATransaction() {
        Object v = new byte[1 << 16];
        Ref<Object> held = Ref.of(v);
        assertSame(v, Stm.atomic(() -> held.get()));
        return new WeakReference<>(v);
    }

    /**
     * Runs {@code block} on a thread of its own, waits until it blocks in retry,
     * runs {@code wake} here, and returns what the block returned (or threw).
     */
    private static Object resultOnceWoken(Supplier<Object> block, Runnable wake)
            throws InterruptedException {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                result.set(block.get());
            } catch (Throwable t) {
                result.set(t);
            }
        }, "waiter");
        waiter.start();
        try {
            Await.until("the waiter blocks in retry", Probes::anyRetryWaiters, LIMIT);
            wake.run();
            waiter.join(LIMIT.toMillis());
        } finally {
            waiter.interrupt();
            waiter.join(LIMIT.toMillis());
        }
        return result.get();
    }
}
