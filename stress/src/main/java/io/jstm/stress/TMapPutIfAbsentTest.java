package io.jstm.stress;

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
 * {@code TMap.putIfAbsent} outside any transaction is atomic: of two racing
 * calls on the same absent key exactly one inserts, and the other returns the
 * winner's value.
 *
 * <p>r1: what the first actor's {@code putIfAbsent(k, 1)} returned (0 for null,
 * it inserted); r2: the same for the second actor's {@code putIfAbsent(k, 2)};
 * r3: the key's value afterwards.
 */
@JCStressTest
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "The first actor inserted; the second saw its value.")
@Outcome(id = "2, 0, 2", expect = ACCEPTABLE, desc = "The second actor inserted; the first saw its value.")
@Outcome(id = {"0, 0, 1", "0, 0, 2"}, expect = FORBIDDEN,
        desc = "Both inserted: a lost insert (the check and the insert were not one atomic step).")
@Outcome(expect = FORBIDDEN,
        desc = "Any other result: a value returned that the map never held, or one the map does not hold now.")
@State
public class TMapPutIfAbsentTest {
    private final TMap<String, Integer> map = new TMap<>();

    @Actor
    public void first(III_Result r) {
        Integer v = map.putIfAbsent("k", 1);
        r.r1 = v == null ? 0 : v;
    }

    @Actor
    public void second(III_Result r) {
        Integer v = map.putIfAbsent("k", 2);
        r.r2 = v == null ? 0 : v;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        Integer v = map.get("k");
        r.r3 = v == null ? 0 : v;
    }
}
