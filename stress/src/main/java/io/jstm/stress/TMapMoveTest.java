package io.jstm.stress;

import io.jstm.Stm;
import io.jstm.collections.TMap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A key moved in one transaction ({@code remove("a")} then {@code put("b", v)})
 * is seen moved or not moved, never half-way: by a reader transaction, and by
 * {@code size()} outside one (striped counters updated with commutes, which must
 * change with the entries they count, atomically).
 *
 * <p>r1: the reader transaction's view, {@code containsKey("a") ? 1 : 0} plus
 * {@code containsKey("b") ? 2 : 0}; r2: {@code size()} outside a transaction,
 * right after, while the move may still be running; r3: 1 if afterwards the map
 * is exactly {b=7}, else 0.
 */
@JCStressTest
@Outcome(id = {"1, 1, 1", "2, 1, 1"}, expect = ACCEPTABLE,
        desc = "The reader saw the key before or after the move; size was 1.")
@Outcome(id = {"0, 1, 1", "3, 1, 1"}, expect = FORBIDDEN,
        desc = "Torn read: the reader transaction saw the key in neither place or in both.")
@Outcome(id = {"1, 0, 1", "2, 0, 1", "1, 2, 1", "2, 2, 1"}, expect = FORBIDDEN,
        desc = "size() saw the remove without the put, or the put without the remove.")
@Outcome(expect = FORBIDDEN, desc = "Any other result: the move was lost, doubled or torn.")
@State
public class TMapMoveTest {
    private final TMap<String, Integer> map = new TMap<>();

    public TMapMoveTest() {
        map.put("a", 7);
    }

    @Actor
    public void move() {
        Stm.atomic(() -> {
            Integer v = map.remove("a");
            map.put("b", v);
        });
    }

    @Actor
    public void observer(III_Result r) {
        r.r1 = Stm.atomic(() -> (map.containsKey("a") ? 1 : 0) + (map.containsKey("b") ? 2 : 0));
        r.r2 = map.size();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = map.size() == 1 && Integer.valueOf(7).equals(map.get("b")) ? 1 : 0;
    }
}
