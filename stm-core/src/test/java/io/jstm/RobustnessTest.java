package io.jstm;

import io.jstm.internal.Probes;
import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** Hooks, misbehaving functions and stray signals never leave the engine half-ended. */
class RobustnessTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void afterRollbackHooksOfARetryRunOutsideTheTransaction() throws Exception {
        LongRef gate = LongRef.of(0), side = LongRef.of(0);
        AtomicReference<Boolean> inTxn = new AtomicReference<>();
        Workers w = new Workers().start(1, i -> Stm.atomic(() -> {
            if (gate.get() == 0) {
                Stm.afterRollback(() -> {
                    inTxn.set(Stm.inTransaction());
                    side.set(42); // an outside write: must commit
                });
                Stm.retry();
            }
        }));
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (side.get() != 42 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        gate.set(1);
        w.join(LIMIT);
        assertEquals(Boolean.FALSE, inTxn.get());
        assertEquals(42, side.get());
    }

    @Test
    void anInevitableTransactionInARetryHookDoesNotBlockTheWakeUp() throws Exception {
        LongRef flag = LongRef.of(0), log = LongRef.of(0);
        AtomicInteger hooks = new AtomicInteger();
        Workers w = new Workers().start(1, i -> Stm.atomic(() -> {
            if (flag.get() == 0) {
                Stm.afterRollback(() -> {
                    hooks.incrementAndGet();
                    Stm.atomicInevitable(() -> log.set(log.get() + 1));
                });
                Stm.retry();
            }
        }));
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (hooks.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        flag.set(1); // would block forever if the hook's inevitable transaction leaked its token or marks
        w.join(LIMIT);
        assertFalse(Probes.anyInevitableRunning());
        assertTrue(log.get() >= 1);
    }

    @Test
    void aTransactionInsideARollbackHookKeepsTheRetryForDeadline() {
        LongRef never = LongRef.of(0), other = LongRef.of(0);
        long start = System.nanoTime();
        assertThrows(RetryTimeoutException.class, () -> Stm.atomic(() -> {
            Stm.afterRollback(() -> Stm.atomic(() -> other.set(other.get() + 1)));
            if (never.get() == 0) {
                Stm.retryFor(Duration.ofMillis(100));
            }
        }));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis < 10_000, "the deadline was lost: " + tookMillis + " ms");
        assertTrue(other.get() >= 1);
    }

    @Test
    void aThrowingCommuteInAnInevitableCommitLeavesTheRefUsable() {
        Ref<String> r = Ref.of(null);
        assertThrows(NullPointerException.class, () -> Stm.atomic(() -> {
            r.commute(s -> s.trim()); // throws at commit: the value is null
            Stm.becomeInevitable();
        }));
        assertNull(r.get());
        r.set("ok");                  // would spin forever on a leaked lock
        Stm.atomic(() -> r.set(r.get() + "!"));
        assertEquals("ok!", r.get());
        assertFalse(Probes.anyInevitableRunning());
    }

    @Test
    void aCommuteFunctionThatTouchesARefFailsClearlyAndLocksNothing() {
        LongRef p = LongRef.of(1), q = LongRef.of(10);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Stm.atomic(() -> {
            q.commute(v -> v + 1);
            p.commute(v -> v + q.get()); // impure: reads another ref at commit time
        }));
        assertTrue(e.getMessage().contains("commute"), e.getMessage());
        assertEquals(1, p.get());
        assertEquals(10, q.get());
        Stm.atomic(() -> {
            p.set(p.get() + 1);
            q.set(q.get() + 1);
        });
        assertEquals(2, p.get());
        assertEquals(11, q.get());
    }

    @Test
    void anOrElseBranchThatThrowsIsUndoneLikeANestedBlock() {
        LongRef r = LongRef.of(0);
        Stm.atomic(() -> {
            try {
                Stm.orElse(() -> {
                    r.set(1);
                    throw new IllegalArgumentException("first branch fails");
                }, () -> 0L);
            } catch (IllegalArgumentException expected) {
                assertEquals(0, r.get());
            }
        });
        assertEquals(0, r.get());
    }

    @Test
    void aKeptAbortSignalRethrownLaterOnlyReRunsTheBlock() {
        LongRef gate = LongRef.of(0), r = LongRef.of(0);
        AtomicReference<Error> kept = new AtomicReference<>();
        AtomicInteger attempts = new AtomicInteger();
        Stm.atomic(() -> {
            int a = attempts.incrementAndGet();
            Stm.orElse(() -> {
                try {
                    if (gate.get() == 0) {
                        Stm.retry();
                    }
                } catch (Error signal) {
                    kept.set(signal);
                    throw signal;
                }
                return 0L;
            }, () -> 1L);
            if (a == 1 && kept.get() != null) {
                throw kept.get(); // misuse: rethrowing the engine's signal after orElse handled it
            }
            r.set(r.get() + 1);
        });
        assertEquals(2, attempts.get());
        assertEquals(1, r.get());
        assertFalse(Stm.inTransaction());
    }

    @Test
    void aWriterThatKeepsLosingToInevitableTransactionsEscalatesAndFinishes() throws Exception {
        LongRef x = LongRef.of(0);
        AtomicBoolean stop = new AtomicBoolean();
        Workers inevitables = new Workers().start(1, w -> {
            while (!stop.get()) {
                Stm.atomicInevitable(() -> {
                    x.get();
                    long until = System.nanoTime() + 20_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                });
            }
        });
        AtomicInteger maxAttempts = new AtomicInteger();
        try {
            for (int i = 0; i < 200; i++) {
                AtomicInteger attempts = new AtomicInteger();
                Stm.atomic(() -> {
                    attempts.incrementAndGet();
                    x.set(x.get() + 1);
                });
                maxAttempts.accumulateAndGet(attempts.get(), Math::max);
            }
        } finally {
            stop.set(true);
            inevitables.join(LIMIT);
        }
        assertEquals(200, x.get());
        assertTrue(maxAttempts.get() <= 10, "worst attempts " + maxAttempts.get());
    }
}
