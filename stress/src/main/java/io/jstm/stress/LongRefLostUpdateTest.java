package io.jstm.stress;

import io.jstm.LongRef;
import io.jstm.Stm;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * No lost update on a {@link LongRef}: two transactions each read the counter
 * and write back one more.
 *
 * <p>Serializability leaves two orders, so one committed attempt wrote 1, the
 * other 2, and the counter ends at 2. Both writing 1 is the lost update: both
 * read 0, and the second commit overwrote the first instead of aborting on its
 * invalidated read.
 *
 * <p>r1, r2: the value each actor's committed attempt wrote; r3: the final counter.
 */
@JCStressTest
@Outcome(id = {"1, 2, 2", "2, 1, 2"}, expect = ACCEPTABLE,
        desc = "Serialized: the later increment read the earlier one's commit.")
@Outcome(id = "1, 1, 1", expect = FORBIDDEN,
        desc = "Lost update: both read 0 and one commit overwrote the other.")
@Outcome(expect = FORBIDDEN,
        desc = "Any other result: an increment was lost or doubled, or an actor saw a value that was never committed.")
@State
public class LongRefLostUpdateTest {
    private final LongRef counter = LongRef.of(0);

    @Actor
    public void incrementer1(III_Result r) {
        r.r1 = increment();
    }

    @Actor
    public void incrementer2(III_Result r) {
        r.r2 = increment();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = (int) counter.get();
    }

    /** A read-modify-write in one transaction; returns the value it committed. */
    private int increment() {
        return Stm.atomic(() -> {
            long next = counter.get() + 1;
            counter.set(next);
            return (int) next;
        });
    }
}
