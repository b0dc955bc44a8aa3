package io.jstm.stress;

import io.jstm.Stm;
import io.jstm.collections.TQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@code TQueue} operations compose: two offers in one transaction enter the
 * queue together and in order, and two polls in one transaction take a prefix
 * of one serial order, with nothing lost or taken twice.
 *
 * <p>One actor offers 1 then 2 in one transaction. The other offers 3 on its
 * own (outside a transaction), then polls twice in one transaction. The serial
 * orders are 1, 2, 3 (the pair first) and 3, 1, 2 (the pair after the single
 * offer, before or after the polls).
 *
 * <p>r1, r2: what the two polls returned (0 for empty); r3: the elements left,
 * drained afterwards, as decimal digits in queue order.
 */
@JCStressTest
@Outcome(id = "1, 2, 3", expect = ACCEPTABLE, desc = "The pair committed first; the polls took it.")
@Outcome(id = "3, 0, 12", expect = ACCEPTABLE, desc = "The polls ran before the pair committed.")
@Outcome(id = "3, 1, 2", expect = ACCEPTABLE, desc = "The pair committed after the single offer, before the polls.")
@Outcome(id = {"3, 1, 0", "1, 0, 23", "1, 3, 2", "3, 0, 2", "3, 2, 1"}, expect = FORBIDDEN,
        desc = "The pair was split or reordered: one of its offers seen without the other, or 2 before 1.")
@Outcome(expect = FORBIDDEN, desc = "Any other result: an element lost, taken twice, or out of order.")
@State
public class TQueueAtomicOffersTest {
    private final TQueue<Integer> queue = new TQueue<>();

    @Actor
    public void pair() {
        Stm.atomic(() -> {
            queue.offer(1);
            queue.offer(2);
        });
    }

    @Actor
    public void singleThenPolls(III_Result r) {
        queue.offer(3);
        Stm.atomic(() -> {
            Integer a = queue.poll();
            Integer b = queue.poll();
            r.r1 = a == null ? 0 : a;
            r.r2 = b == null ? 0 : b;
        });
    }

    @Arbiter
    public void arbiter(III_Result r) {
        int left = 0;
        for (Integer e; (e = queue.poll()) != null; ) {
            left = left * 10 + e;
        }
        r.r3 = left;
    }
}
