package io.jstm;

import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** Blocking retry, orElse and the bounded retryFor. */
class RetryTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void producerConsumerHandOffLosesNoWakeUpOverManyRounds() throws Exception {
        // A one-slot mailbox: the producer waits while it is full, the consumer while it is empty.
        Ref<Integer> slot = Ref.of(null);
        int rounds = 20_000;
        long[] received = new long[1];
        new Workers().start(2, w -> {
            if (w == 0) {
                for (int i = 1; i <= rounds; i++) {
                    int v = i;
                    Stm.atomic(() -> {
                        if (slot.get() != null) {
                            Stm.retry();
                        }
                        slot.set(v);
                    });
                }
            } else {
                for (int i = 1; i <= rounds; i++) {
                    int got = Stm.atomic(() -> {
                        Integer v = slot.get();
                        if (v == null) {
                            Stm.retry();
                        }
                        slot.set(null);
                        return v;
                    });
                    assertEquals(i, got, "items arrive in order, none lost or duplicated");
                    received[0] += got;
                }
            }
        }).join(LIMIT);
        assertEquals((long) rounds * (rounds + 1) / 2, received[0]);
    }

    @Test
    void aBlockedRetryUsesNoCpu() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        LongRef flag = LongRef.of(0);
        CountDownLatch blocked = new CountDownLatch(1);
        AtomicReference<Thread> waiter = new AtomicReference<>();
        Workers w = new Workers().start(1, i -> {
            waiter.set(Thread.currentThread());
            Stm.atomic(() -> {
                if (flag.get() == 0) {
                    blocked.countDown();
                    Stm.retry();
                }
            });
        });
        blocked.await();
        Thread.sleep(100); // let it park
        long id = waiter.get().getId();
        long cpu0 = mx.getThreadCpuTime(id);
        Thread.sleep(500);
        long cpu1 = mx.getThreadCpuTime(id);
        flag.set(1);
        w.join(LIMIT);
        long usedMillis = (cpu1 - cpu0) / 1_000_000;
        assertTrue(usedMillis < 50, "a thread blocked in retry used " + usedMillis + " ms of CPU in 500 ms");
    }

    @Test
    void anInterruptEndsTheWaitWithAClearExceptionAndKeepsTheFlag() throws Exception {
        LongRef never = LongRef.of(0);
        LongRef written = LongRef.of(0);
        CountDownLatch blocked = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Stm.atomic(() -> {
                    written.set(1);
                    if (never.get() == 0) {
                        blocked.countDown();
                        Stm.retry();
                    }
                });
            } catch (Throwable e) {
                thrown.set(e);
                flagAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        blocked.await();
        Thread.sleep(50);
        t.interrupt();
        t.join(LIMIT.toMillis());
        assertInstanceOf(TransactionInterruptedException.class, thrown.get());
        assertTrue(thrown.get().getMessage().contains("interrupt"));
        assertTrue(flagAfter.get(), "interrupt flag must stay set");
        assertEquals(0, written.get(), "the interrupted transaction rolled back");
        assertFalse(io.jstm.internal.Probes.anyRetryWaiters(), "no waiter left behind");
    }

    @Test
    void retryForGivesUpWithAClearExceptionAndRollsBack() {
        LongRef never = LongRef.of(0);
        LongRef written = LongRef.of(0);
        long start = System.nanoTime();
        RetryTimeoutException e = assertThrows(RetryTimeoutException.class, () -> Stm.atomic(() -> {
            written.set(1);
            if (never.get() == 0) {
                Stm.retryFor(Duration.ofMillis(100));
            }
        }));
        assertTrue(System.nanoTime() - start >= 90_000_000L);
        assertTrue(e.getMessage().contains("retryFor"), e.getMessage());
        assertEquals(0, written.get());
        assertFalse(io.jstm.internal.Probes.anyRetryWaiters());
    }

    @Test
    void retryForReturnsNormallyWhenTheChangeComesInTime() throws Exception {
        LongRef ready = LongRef.of(0);
        Workers w = new Workers().start(1, i -> {
            long v = Stm.atomic(() -> {
                long r = ready.get();
                if (r == 0) {
                    Stm.retryFor(Duration.ofSeconds(30));
                }
                return r;
            });
            assertEquals(7, v);
        });
        Thread.sleep(50);
        ready.set(7);
        w.join(LIMIT);
    }

    @Test
    void aShorterRetryForInALaterAttemptStillCountsAfterAnOverflowingOne() throws Exception {
        // The first attempt's deadline (now + Long.MAX_VALUE ns) wraps past Long.MAX_VALUE; the second
        // attempt's 100 ms must still win (deadlines compare by difference, as nanoTime values must).
        Throwable thrown = wokenOnceThen(Duration.ofNanos(Long.MAX_VALUE), 20,
                () -> Stm.retryFor(Duration.ofMillis(100))); // nothing wakes the second wait
        assertInstanceOf(RetryTimeoutException.class, thrown, "the 100 ms deadline applies");
        assertFalse(io.jstm.internal.Probes.anyRetryWaiters());
        assertEquals(0, io.jstm.internal.Probes.retryCallsInService());
    }

    /**
     * Runs, on a worker, a block that reads a fresh ref and on its first attempt
     * blocks in {@code Stm.retryFor(first)}; once it is blocked (and
     * {@code wakeAfterMillis} more), changes the ref; later attempts run
     * {@code later}. Returns what the atomic call threw, or null.
     */
    private static Throwable wokenOnceThen(Duration first, long wakeAfterMillis, Runnable later) throws Exception {
        LongRef wake = LongRef.of(0);
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CountDownLatch blocked = new CountDownLatch(1);
        Workers w = new Workers().start(1, i -> {
            try {
                Stm.atomic(() -> {
                    wake.get();
                    if (attempts.incrementAndGet() == 1) {
                        Stm.afterRollback(blocked::countDown);
                        Stm.retryFor(first);
                    }
                    later.run();
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        assertTrue(blocked.await(LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        Thread.sleep(wakeAfterMillis);
        wake.set(1);
        w.join(Duration.ofSeconds(20));
        return thrown.get();
    }

    @Test
    void aRetryForBeyondTheNanosecondRangeWaitsForTheChange() throws Exception {
        // Duration.toNanos() overflows beyond about 292 years; such a timeout means "no practical limit".
        for (Duration huge : List.of(Duration.ofSeconds(Long.MAX_VALUE), java.time.temporal.ChronoUnit.FOREVER
                .getDuration())) {
            LongRef ready = LongRef.of(0);
            Workers w = new Workers().start(1, i -> {
                long v = Stm.atomic(() -> {
                    long r = ready.get();
                    if (r == 0) {
                        Stm.retryFor(huge);
                    }
                    return r;
                });
                assertEquals(3, v);
            });
            Thread.sleep(30);
            ready.set(3);
            w.join(LIMIT);
        }
    }

    @Test
    void retryWithNothingReadIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Stm.atomic(() -> Stm.retry()));
        assertTrue(e.getMessage().contains("read no refs"), e.getMessage());
    }

    @Test
    void orElseDiscardsTheFirstBranchsWritesAndRunsTheSecond() {
        LongRef a = LongRef.of(0), b = LongRef.of(0);
        List<String> hooks = new ArrayList<>();
        String which = Stm.atomic(() -> Stm.orElse(() -> {
            a.set(1);
            b.set(1);
            Stm.afterCommit(() -> hooks.add("first"));
            Stm.retry();
            return "first";
        }, () -> {
            assertEquals(0, a.get(), "the first branch's write is gone");
            b.set(b.get() + 2);
            Stm.afterCommit(() -> hooks.add("second"));
            return "second";
        }));
        assertEquals("second", which);
        assertEquals(0, a.get());
        assertEquals(2, b.get());
        assertEquals(List.of("second"), hooks);
    }

    @Test
    void orElseKeepsTheFirstBranchWhenItDoesNotRetry() {
        LongRef a = LongRef.of(5);
        assertEquals(5L, Stm.orElse(() -> a.get(), () -> -1L));
    }

    @Test
    void nestedOrElseFallsThroughToTheFirstBranchThatDoesNotRetry() {
        LongRef a = LongRef.of(0), b = LongRef.of(0), c = LongRef.of(0);
        String r = Stm.atomic(() -> Stm.orElse(
                () -> Stm.orElse(() -> {
                    a.set(1);
                    Stm.retry();
                    return "a";
                }, () -> {
                    b.set(1);
                    Stm.retry();
                    return "b";
                }),
                () -> {
                    c.set(1);
                    return "c";
                }));
        assertEquals("c", r);
        assertEquals(0, a.get());
        assertEquals(0, b.get());
        assertEquals(1, c.get());
    }

    @Test
    void whenBothBranchesRetryTheTransactionWakesOnAChangeToEither() throws Exception {
        LongRef left = LongRef.of(0), right = LongRef.of(0);
        for (int round = 0; round < 50; round++) {
            left.set(0);
            right.set(0);
            boolean useRight = round % 2 == 0;
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<String> got = new AtomicReference<>();
            Workers w = new Workers().start(1, i -> got.set(Stm.atomic(() -> {
                started.countDown();
                return Stm.orElse(() -> {
                    if (left.get() == 0) {
                        Stm.retry();
                    }
                    return "left";
                }, () -> {
                    if (right.get() == 0) {
                        Stm.retry();
                    }
                    return "right";
                });
            })));
            started.await();
            (useRight ? right : left).set(1);
            w.join(LIMIT);
            assertEquals(useRight ? "right" : "left", got.get());
        }
    }

    @Test
    void orElseOutsideATransactionRunsAsItsOwnBlock() {
        LongRef a = LongRef.of(0);
        long v = Stm.orElse(() -> {
            a.set(9);
            Stm.retry();
            return 1L;
        }, () -> a.get());
        assertEquals(0, v);
        assertEquals(0, a.get());
    }

    @Test
    void manyWaitersOnOneRefAreAllWoken() throws Exception {
        LongRef gate = LongRef.of(0);
        AtomicInteger through = new AtomicInteger();
        int n = 8;
        CountDownLatch waiting = new CountDownLatch(n);
        Workers w = new Workers().start(n, i -> Stm.atomic(() -> {
            if (gate.get() == 0) {
                waiting.countDown();
                Stm.retry();
            }
            Stm.afterCommit(through::incrementAndGet);
        }));
        waiting.await();
        gate.set(1);
        w.join(LIMIT);
        assertEquals(n, through.get());
    }

    @Test
    void aFailingRollbackHookDoesNotTurnARetryIntoAnError() throws Exception {
        LongRef flag = LongRef.of(0);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Long> flagWhenEnded = new AtomicReference<>();
        Workers w = new Workers().start(1, i -> {
            try {
                Stm.atomic(() -> {
                    Stm.afterRollback(() -> {
                        throw new IllegalStateException("hook");
                    });
                    if (flag.get() == 0) {
                        Stm.retry();
                    }
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
            flagWhenEnded.set(flag.get());
        });
        Thread.sleep(50);
        flag.set(1);
        w.join(LIMIT);
        assertEquals(1L, flagWhenEnded.get(), "the call waited for the change instead of failing at once");
        assertEquals("hook", thrown.get().getMessage());
    }

    @Test
    void anExpiredRetryForDeadlineIsNotReplacedByALaterEndlessOne() throws Exception {
        Throwable thrown = wokenOnceThen(Duration.ofMillis(30), 0, () -> { // woken before its deadline
            try {
                Thread.sleep(60); // the first deadline passes
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            Stm.retryFor(java.time.temporal.ChronoUnit.FOREVER.getDuration());
        });
        assertInstanceOf(RetryTimeoutException.class, thrown, "the earliest deadline (passed) holds");
    }
}
