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
 * Blind writes to different elements of one {@link LongArray} stripe both land.
 *
 * <p>Elements 0 to 8 start at 10 to 18 (elements 0..7 are one stripe). Two
 * transactions write, without reading anything, element 1 := 1 and element
 * 2 := 2. Neither read, so neither conflicts with the other: they meet only at
 * the stripe's lock, one after the other, and each must store only the element
 * it wrote. A commit that stored the whole stripe from its write buffer would
 * undo the other's element (back to its old value) or zero elements it never
 * wrote.
 *
 * <p>r1, r2: elements 1 and 2 at the end; r3: how many of the other elements
 * (0, 3..8) no longer hold their initial value.
 */
@JCStressTest
@Outcome(id = "1, 2, 0", expect = ACCEPTABLE,
        desc = "Both blind writes landed; nothing else in the stripe changed.")
@Outcome(id = {"11, 2, 0", "1, 12, 0"}, expect = FORBIDDEN,
        desc = "Lost blind write: the later commit stored the other's element with its old value.")
@Outcome(id = {"0, 2, 6", "1, 0, 6"}, expect = FORBIDDEN,
        desc = "Lost blind write: the later commit stored its whole buffer, zeros where it wrote nothing.")
@Outcome(expect = FORBIDDEN,
        desc = "Any other result: an element lost its write, or an element nobody wrote changed.")
@State
public class LongArrayBlindWriteTest {
    private static final long[] INITIAL = {10, 11, 12, 13, 14, 15, 16, 17, 18};

    private final LongArray a = LongArray.copyOf(INITIAL);

    @Actor
    public void writeOne() {
        Stm.atomic(() -> a.set(1, 1));
    }

    @Actor
    public void writeTwo() {
        Stm.atomic(() -> a.set(2, 2));
    }

    @Arbiter
    public void arbiter(III_Result r) {
        long[] end = a.toArray();
        r.r1 = (int) end[1];
        r.r2 = (int) end[2];
        int changed = 0;
        for (int i = 0; i < end.length; i++) {
            if (i != 1 && i != 2 && end[i] != INITIAL[i]) {
                changed++;
            }
        }
        r.r3 = changed;
    }
}
