package io.jstm.stress;

import io.jstm.Stm;
import io.jstm.collections.StressHooks;
import io.jstm.collections.TMap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * An insert racing the reclamation of its key's cell loses nothing. The key's
 * cell starts absent and noted by a sweep; one actor inserts the key (a
 * transaction that looks the key up, then writes its cell), the other runs two
 * more sweeps, which retire the cell if it is still absent and then unlink it
 * if no reader is older. Whatever the order, the insert must land in the one
 * cell the map keeps for the key: a write into a retired cell, or a second
 * live cell, would lose it.
 *
 * <p>r1: 1 if {@code putIfAbsent} inserted; r2: the key's value afterwards
 * (0 if absent); r3: {@code size()}; r4: 1 if {@code containsKey}, {@code get}
 * outside a transaction and {@code get} inside one agree. A sweep that
 * retired the cell without checking that it was still absent fails every
 * configuration (checked).
 */
@JCStressTest
@Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "The insert landed, whenever the sweeps ran.")
@Outcome(expect = FORBIDDEN, desc = "A lost insert, a wrong size, or lookups that disagree.")
@State
public class TMapReclaimInsertTest {
    private final TMap<String, Integer> map = new TMap<>();

    public TMapReclaimInsertTest() {
        Stm.atomic(() -> map.containsKey("k")); // a cell holding absent
        StressHooks.sweep(map); // noted as a candidate
    }

    @Actor
    public void insert(IIII_Result r) {
        r.r1 = map.putIfAbsent("k", 1) == null ? 1 : 0;
    }

    @Actor
    public void reclaim() {
        StressHooks.sweep(map); // retires the cell if still absent
        StressHooks.sweep(map); // unlinks it if no registered reader is older
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        Integer v = map.get("k");
        r.r2 = v == null ? 0 : v;
        r.r3 = map.size();
        r.r4 = map.containsKey("k") == (v != null) && Stm.atomic(() -> map.get("k")) == v ? 1 : 0;
    }
}
