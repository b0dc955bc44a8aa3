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
 * Money is conserved by transfers, as seen by a concurrent reader transaction
 * and by the arbiter afterwards.
 *
 * <p>Three accounts start at 100 each. The transfer actor moves 10 from A to B,
 * then 10 from B to C, in two transactions. The other actor sums all three
 * accounts in one transaction, then moves 5 from C to A (so C and A are written
 * by both actors and their transfers conflict). Every committed state totals
 * 300, so the reader's sum must be 300 whichever commits it falls between; the
 * transfers commute, so the final balances are exactly A=95, B=100, C=105.
 *
 * <p>r1: the reader transaction's total; r2: the arbiter's total;
 * r3: 1 if the final balances are exactly 95/100/105, else 0.
 */
@JCStressTest
@Outcome(id = "300, 300, 1", expect = ACCEPTABLE,
        desc = "Conserved: the reader saw a committed state, every transfer applied once.")
@Outcome(id = {"290, 300, 1", "310, 300, 1"}, expect = FORBIDDEN,
        desc = "Torn read: the reader transaction saw part of a transfer.")
@Outcome(expect = FORBIDDEN,
        desc = "Money created or destroyed, or a transfer lost or applied twice.")
@State
public class BankConservationTest {
    private final LongRef a = LongRef.named("A", 100);
    private final LongRef b = LongRef.named("B", 100);
    private final LongRef c = LongRef.named("C", 100);

    @Actor
    public void transfers() {
        transfer(a, b, 10);
        transfer(b, c, 10);
    }

    @Actor
    public void readerThenTransfer(III_Result r) {
        r.r1 = Stm.atomic(() -> (int) (a.get() + b.get() + c.get()));
        transfer(c, a, 5);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        long balanceA = a.get();
        long balanceB = b.get();
        long balanceC = c.get();
        r.r2 = (int) (balanceA + balanceB + balanceC);
        r.r3 = (balanceA == 95 && balanceB == 100 && balanceC == 105) ? 1 : 0;
    }

    private static void transfer(LongRef from, LongRef to, long amount) {
        Stm.atomic(() -> {
            from.set(from.get() - amount);
            to.set(to.get() + amount);
        });
    }
}
