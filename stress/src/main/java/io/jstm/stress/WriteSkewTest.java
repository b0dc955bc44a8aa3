package io.jstm.stress;

import io.jstm.LongRef;
import io.jstm.Stm;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZI_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * No write skew: transactions are serializable, not merely snapshot-isolated.
 *
 * <p>Two doctors are on call ({@code alice} and {@code bob} are 1). Each one's
 * transaction goes off call only if both are on call, so at least one stays.
 * The two transactions write different refs, so write-write conflict detection
 * alone does not order them: under snapshot isolation both read "two on call"
 * from the same snapshot, both go off call, and nobody is left. A serializable
 * engine must notice that each one's read was invalidated by the other's
 * commit, so exactly one goes off call.
 *
 * <p>r1: Alice went off call; r2: Bob went off call; r3: doctors on call at the end.
 */
@JCStressTest
@Outcome(id = {"true, false, 1", "false, true, 1"}, expect = ACCEPTABLE,
        desc = "Serialized: the second transaction saw the first one's commit and stayed on call.")
@Outcome(id = "true, true, 0", expect = FORBIDDEN,
        desc = "Write skew: both read two on call from one snapshot and both left.")
@Outcome(expect = FORBIDDEN,
        desc = "Any other result: nobody left, or the arbiter disagrees with what committed.")
@State
public class WriteSkewTest {
    private final LongRef alice = LongRef.named("alice", 1);
    private final LongRef bob = LongRef.named("bob", 1);

    @Actor
    public void aliceLeaves(ZZI_Result r) {
        r.r1 = goOffCall(alice);
    }

    @Actor
    public void bobLeaves(ZZI_Result r) {
        r.r2 = goOffCall(bob);
    }

    @Arbiter
    public void arbiter(ZZI_Result r) {
        r.r3 = (int) (alice.get() + bob.get());
    }

    /** Goes off call if both doctors are on call; returns whether it did. */
    private boolean goOffCall(LongRef me) {
        return Stm.atomic(() -> {
            if (alice.get() + bob.get() < 2) {
                return false;
            }
            me.set(0);
            return true;
        });
    }
}
