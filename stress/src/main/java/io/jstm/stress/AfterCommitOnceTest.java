package io.jstm.stress;

import io.jstm.LongRef;
import io.jstm.Stm;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link Stm#afterCommit} actions run exactly once per committed transaction,
 * on the committing thread, after the commit is visible; actions registered by
 * attempts that rolled back never run.
 *
 * <p>Two actors increment one counter, so their attempts conflict and some roll
 * back; every attempt registers a hook. The hook counts its runs in a plain
 * field of its own actor (it must run on that actor's thread, so no race on
 * the count) and checks that an outside {@code get()} already shows at least
 * the value its transaction committed.
 *
 * <p>r1, r2: how many times each actor's hooks ran (1); r3: the final counter
 * (2); r4: hook runs that did not see their own commit, or ran on another thread (0).
 */
@JCStressTest
@Outcome(id = "1, 1, 2, 0", expect = ACCEPTABLE,
        desc = "Each transaction's hook ran once, after its commit, on its thread.")
@Outcome(id = {"2, 1, 2, 0", "1, 2, 2, 0", "2, 2, 2, 0"}, expect = FORBIDDEN,
        desc = "A hook ran more than once: a rolled-back attempt's hook ran too.")
@Outcome(expect = FORBIDDEN,
        desc = "Any other result: a hook did not run, ran before its commit was visible or on another thread, or an increment was lost.")
@State
public class AfterCommitOnceTest {
    private final LongRef counter = LongRef.named("counter", 0);
    private final HookLog log1 = new HookLog();
    private final HookLog log2 = new HookLog();

    @Actor
    public void incrementer1() {
        incrementWithHook(log1);
    }

    @Actor
    public void incrementer2() {
        incrementWithHook(log2);
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = log1.runs;
        r.r2 = log2.runs;
        r.r3 = (int) counter.get();
        r.r4 = log1.badRuns + log2.badRuns;
    }

    /** One transactional increment whose every attempt registers a hook writing to {@code log}. */
    private void incrementWithHook(HookLog log) {
        Thread caller = Thread.currentThread();
        Stm.atomic(() -> {
            long next = counter.get() + 1;
            counter.set(next);
            Stm.afterCommit(() -> {
                log.runs++;
                if (Thread.currentThread() != caller || counter.get() < next) {
                    log.badRuns++;
                }
            });
        });
    }

    /**
     * What one actor's hooks did. Plain fields: hooks must run on the actor's own
     * thread, and jcstress orders the actors before the arbiter that reads them.
     */
    private static final class HookLog {
        int runs;
        int badRuns;
    }
}
