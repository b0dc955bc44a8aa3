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
 * A {@code set} outside any transaction commits at once and conflicts
 * correctly with a running transaction.
 *
 * <p>One actor increments {@code x} in a transaction. The other sets it to 100
 * with a plain {@link LongRef#set} (its own tiny transaction), then reads it
 * back with {@link LongRef#get}. Either the transaction committed first (it
 * read 0; the set then wins: 100), or the set did (the transaction read 100:
 * 101). A transaction that read 0 but committed after the set would silently
 * overwrite it (final 1): the outside write must invalidate the transaction's
 * read. The read-back must see the set or something committed after it.
 *
 * <p>r1: what the transaction's committed attempt read; r2: the outside
 * read-back after the set; r3: the final value.
 */
@JCStressTest
@Outcome(id = "0, 100, 100", expect = ACCEPTABLE,
        desc = "Transaction first (read 0, wrote 1), then the outside set.")
@Outcome(id = {"100, 100, 101", "100, 101, 101"}, expect = ACCEPTABLE,
        desc = "Outside set first; the transaction read 100 and wrote 101 (before or after the read-back).")
@Outcome(id = {"0, 100, 1", "0, 1, 1"}, expect = FORBIDDEN,
        desc = "Lost outside set: the transaction read 0 and overwrote the set that committed after its read.")
@Outcome(expect = FORBIDDEN,
        desc = "Any other result: the read-back missed its own committed set, or a value appeared that nobody wrote.")
@State
public class OutsideSetVsTransactionTest {
    private final LongRef x = LongRef.named("x", 0);

    @Actor
    public void transaction(III_Result r) {
        r.r1 = Stm.atomic(() -> {
            long seen = x.get();
            x.set(seen + 1);
            return (int) seen;
        });
    }

    @Actor
    public void outsideSetThenGet(III_Result r) {
        x.set(100);
        r.r2 = (int) x.get();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = (int) x.get();
    }
}
