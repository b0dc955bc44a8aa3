package io.jstm.stress;

import io.jstm.LongRef;
import io.jstm.RetryTimeoutException;
import io.jstm.Stm;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import java.time.Duration;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * No lost wake-up: a transaction blocked in {@link Stm#retry()} is woken by
 * any later commit to a ref it read.
 *
 * <p>The race to lose is between the waiter deciding to block (it read
 * {@code ready == 0}) and the signaller committing {@code ready = 1}: if the
 * commit lands after the read but before the waiter is registered as a
 * sleeper, and the engine does not re-check, the waiter sleeps forever.
 *
 * <p>Both variants bound the wait so a lost wake-up is reported as a forbidden
 * outcome, not a hung run: one in jcstress's termination mode (the harness
 * reports a waiter that never returns as STALE), one in the ordinary mode with
 * {@link Stm#retryFor} and a timeout far above any real wake-up latency.
 */
public class RetryWakeupTest {
    private RetryWakeupTest() {}

    /** A wake-up is never legitimately this slow; reaching it means the wake-up was lost. */
    static final Duration LOST_WAKEUP_TIMEOUT = Duration.ofSeconds(5);

    /** A waiter in plain {@code retry()}, woken by a {@code set} outside any transaction. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE,
            desc = "The outside set woke the blocked transaction, which then committed.")
    @Outcome(id = "STALE", expect = FORBIDDEN,
            desc = "Lost wake-up: the transaction stayed blocked in retry() after ready was set.")
    @State
    public static class OutsideSetWakesRetry {
        private final LongRef ready = LongRef.named("ready", 0);

        @Actor
        public void waiter() {
            Stm.atomic(() -> {
                if (ready.get() == 0) {
                    Stm.retry();
                }
            });
        }

        @Signal
        public void signal() {
            ready.set(1);
        }
    }

    /**
     * A waiter and a transactional signaller started together, so the commit
     * races the waiter's read and its going to sleep.
     *
     * <p>r1: the payload the woken waiter read, or -1 if its wait timed out.
     */
    @JCStressTest
    @Outcome(id = "42", expect = ACCEPTABLE,
            desc = "The waiter saw ready at once or was woken by the commit, and saw the payload with it.")
    @Outcome(id = "-1", expect = FORBIDDEN,
            desc = "Lost wake-up: still blocked in retry long after the commit that should have woken it.")
    @Outcome(expect = FORBIDDEN,
            desc = "Torn commit: the waiter saw ready without the payload committed with it.")
    @State
    public static class CommitWakesRetry {
        private final LongRef payload = LongRef.named("payload", 0);
        private final LongRef ready = LongRef.named("ready", 0);

        @Actor
        public void waiter(I_Result r) {
            try {
                r.r1 = Stm.atomic(() -> {
                    if (ready.get() == 0) {
                        Stm.retryFor(LOST_WAKEUP_TIMEOUT);
                    }
                    return (int) payload.get();
                });
            } catch (RetryTimeoutException e) {
                r.r1 = -1;
            }
        }

        @Actor
        public void signaller() {
            Stm.atomic(() -> {
                payload.set(42);
                ready.set(1);
            });
        }
    }
}
