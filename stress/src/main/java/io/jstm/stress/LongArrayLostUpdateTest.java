package io.jstm.stress;

import io.jstm.LongArray;
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
 * No lost update on a {@link LongArray} element between a transaction and an
 * outside {@link LongArray#getAndAdd} (its own tiny transaction), and no lost
 * update on its neighbour in the stripe.
 *
 * <p>One actor increments element 3 in a transaction (reads it, writes one
 * more). The other adds 1 to element 3, then 1 to element 4 (same stripe),
 * each with {@code getAndAdd} outside any transaction. An add that lands
 * between the transaction's read and its commit must invalidate the read (the
 * transaction re-runs); an add after the commit must see it. The add to
 * element 4 conflicts with the transaction only through the stripe, and the
 * transaction's commit must not store element 4, which it never wrote.
 *
 * <p>r1: the value the transaction committed; r2: what the outside add to
 * element 3 returned; r3: {@code 10 * a[3] + a[4]} at the end.
 */
@JCStressTest
@Outcome(id = "1, 1, 21", expect = ACCEPTABLE,
        desc = "Transaction first (wrote 1); the outside add saw 1.")
@Outcome(id = "2, 0, 21", expect = ACCEPTABLE,
        desc = "Outside add first (saw 0); the transaction read 1 and wrote 2.")
@Outcome(id = "1, 0, 11", expect = FORBIDDEN,
        desc = "Lost update: both read 0; the add did not invalidate the transaction's read, or missed its commit.")
@Outcome(id = "2, 0, 20", expect = FORBIDDEN,
        desc = "Lost neighbour: the transaction's commit stored element 4 and undid the outside add to it.")
@Outcome(expect = FORBIDDEN,
        desc = "Any other result: an increment was lost or doubled, or a value appeared that nobody wrote.")
@State
public class LongArrayLostUpdateTest {
    private final LongArray a = LongArray.named("a", 10);

    @Actor
    public void transaction(III_Result r) {
        r.r1 = Stm.atomic(() -> {
            long next = a.get(3) + 1;
            a.set(3, next);
            return (int) next;
        });
    }

    @Actor
    public void outsideAdds(III_Result r) {
        r.r2 = (int) a.getAndAdd(3, 1);
        a.getAndAdd(4, 1);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = (int) (10 * a.get(3) + a.get(4));
    }
}
