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
 * Opacity on {@link LongArray} elements: every attempt of a reader, including
 * one that will abort, sees a pair of elements from one committed state.
 *
 * <p>Every commit keeps {@code a[i] + a[j] == 0}. A writer moves one unit from
 * {@code j} to {@code i} twice, in two transactions. A read-only transaction
 * reads {@code a[i]} then {@code a[j]}; a commit that lands between its two
 * reads sends it to the stripes' history (or makes it extend or abort). The
 * check is made inside every attempt and counted in a plain result field, which
 * a rollback does not undo. Two layouts: the elements in different stripes
 * (0 and 9), and in one stripe (1 and 6), where the second read is of a stripe
 * the reader has already read.
 *
 * <p>r1: the {@code a[i]} the reader's committed attempt saw (0, 1 or 2);
 * r2: the reader's attempts that saw {@code a[i] + a[j] != 0};
 * r3: {@code a[i]} at the end, or -1 if the final sum is not 0.
 */
public class LongArrayOpacityTest {
    private LongArrayOpacityTest() {}

    /** Elements {@code i} and {@code j} of a fresh array, and what the two actors and the arbiter do with them. */
    static final class Pair {
        private final LongArray a = LongArray.named("a", 16);
        private final int i;
        private final int j;

        Pair(int i, int j) {
            this.i = i;
            this.j = j;
        }

        /** Moves one unit from {@code j} to {@code i}, twice, one transaction each. */
        void moveTwice() {
            for (int k = 0; k < 2; k++) {
                Stm.atomic(() -> {
                    a.set(i, a.get(i) + 1);
                    a.set(j, a.get(j) - 1);
                });
            }
        }

        /** Reads both in one transaction, counting in {@code r.r2} the attempts that saw a broken sum. */
        void observe(III_Result r) {
            r.r1 = Stm.atomic(() -> {
                long seenI = a.get(i);
                long seenJ = a.get(j);
                if (seenI + seenJ != 0) {
                    r.r2++; // recorded by the attempt itself: a later abort does not erase it
                }
                return (int) seenI;
            });
        }

        void check(III_Result r) {
            long finalI = a.get(i);
            r.r3 = finalI + a.get(j) == 0 ? (int) finalI : -1;
        }
    }

    /** Elements 0 and 9: stripes 0 and 1. */
    @JCStressTest
    @Outcome(id = {"0, 0, 2", "1, 0, 2", "2, 0, 2"}, expect = ACCEPTABLE,
            desc = "Every reader attempt saw a[0] + a[9] == 0; both moves applied.")
    @Outcome(expect = FORBIDDEN,
            desc = "A reader attempt saw a broken sum (r2 > 0), a move was lost, or the sum ended broken.")
    @State
    public static class AcrossStripes {
        private final Pair p = new Pair(0, 9);

        @Actor
        public void writer() {
            p.moveTwice();
        }

        @Actor
        public void reader(III_Result r) {
            p.observe(r);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            p.check(r);
        }
    }

    /** Elements 1 and 6: both in stripe 0. */
    @JCStressTest
    @Outcome(id = {"0, 0, 2", "1, 0, 2", "2, 0, 2"}, expect = ACCEPTABLE,
            desc = "Every reader attempt saw a[1] + a[6] == 0; both moves applied.")
    @Outcome(expect = FORBIDDEN,
            desc = "A reader attempt saw a broken sum (r2 > 0), a move was lost, or the sum ended broken.")
    @State
    public static class WithinOneStripe {
        private final Pair p = new Pair(1, 6);

        @Actor
        public void writer() {
            p.moveTwice();
        }

        @Actor
        public void reader(III_Result r) {
            p.observe(r);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            p.check(r);
        }
    }
}
