package io.jstm.stress.control;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Control: a deliberately racy test that jcstress must flag.
 *
 * <p>Two actors increment a plain {@code int} with no transaction and no
 * synchronization, so the read-modify-writes can interleave and one increment
 * is lost. This is the same property as {@code LongRefLostUpdateTest} with the
 * STM taken away. It is excluded from the default run (the regex in
 * {@code run-quick.sh} skips this package); {@code run-quick.sh --control} runs
 * it alone and succeeds only if jcstress reports the forbidden outcome, which
 * proves the harness, the build and the output checks can fail at all.
 *
 * <p>r1: the final count.
 */
@JCStressTest
@Outcome(id = "2", expect = ACCEPTABLE, desc = "Both increments landed.")
@Outcome(id = "1", expect = FORBIDDEN, desc = "Lost update (expected here: the increments are not atomic).")
@Outcome(expect = FORBIDDEN, desc = "Any other count.")
@State
public class PlainFieldLostUpdateControlTest {
    private int count;

    @Actor
    public void incrementer1() {
        count++;
    }

    @Actor
    public void incrementer2() {
        count++;
    }

    @Arbiter
    public void arbiter(I_Result r) {
        r.r1 = count;
    }
}
