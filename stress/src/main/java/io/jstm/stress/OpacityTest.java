package io.jstm.stress;

import io.jstm.LongRef;
import io.jstm.Stm;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Opacity: every attempt, including one that will abort, sees only a
 * consistent snapshot of committed state.
 *
 * <p>Two refs {@code x} and {@code y} start at 0 and every commit keeps them
 * equal. A writer bumps both, twice, in two transactions. An observer reads
 * both in one transaction. An engine that only validates at commit would let
 * an attempt read the old {@code x} and the new {@code y}, then abort it: the
 * final state is fine, but the attempt ran on a state that never existed.
 * So the check is made <em>inside</em> the attempt, and counted in a plain
 * result field that the rollback does not undo: any count above 0 is forbidden
 * even when every committed value is right.
 *
 * <p>Two variants: a read-only observer, and an observer that also writes
 * {@code x} and {@code y} (so both sides conflict and abort each other, and the
 * writer's attempts are checked too).
 */
public class OpacityTest {
    private OpacityTest() {}

    /** Adds one to both refs in one transaction; counts attempts that saw them differ. */
    static int bumpBoth(LongRef x, LongRef y) {
        int[] inconsistentAttempts = {0};
        Stm.atomic(() -> {
            long seenX = x.get();
            long seenY = y.get();
            if (seenX != seenY) {
                inconsistentAttempts[0]++;
            }
            x.set(seenX + 1);
            y.set(seenY + 1);
        });
        return inconsistentAttempts[0];
    }

    /**
     * r1: the x the observer's committed attempt read (any of the three committed states);
     * r2: the observer's attempts that saw x != y.
     */
    @JCStressTest
    @Outcome(id = {"0, 0", "1, 0", "2, 0"}, expect = ACCEPTABLE,
            desc = "Every observer attempt saw x == y.")
    @Outcome(expect = FORBIDDEN,
            desc = "An observer attempt saw x != y (r2 > 0), or read a value never committed.")
    @State
    public static class ReadOnlyObserver {
        private final LongRef x = LongRef.named("x", 0);
        private final LongRef y = LongRef.named("y", 0);

        @Actor
        public void writer() {
            bumpBoth(x, y);
            bumpBoth(x, y);
        }

        @Actor
        public void observer(II_Result r) {
            r.r1 = Stm.atomic(() -> {
                long seenX = x.get();
                long seenY = y.get();
                if (seenX != seenY) {
                    r.r2++; // recorded by the attempt itself: a later abort does not erase it
                }
                return (int) seenX;
            });
        }
    }

    /**
     * r1: the x the observer's committed attempt read; r2: the observer's attempts
     * that saw x != y; r3: the writer's attempts that saw x != y; r4: the final x
     * (the observer adds 10 to both, the writer 1 twice), or -1 if x != y at the end.
     */
    @JCStressTest
    @Outcome(id = {"0, 0, 0, 12", "1, 0, 0, 12", "2, 0, 0, 12"}, expect = ACCEPTABLE,
            desc = "Every attempt on both sides saw x == y; all three updates applied.")
    @Outcome(expect = FORBIDDEN,
            desc = "An attempt saw x != y (r2 or r3 > 0), an update was lost, or the pair ended unequal.")
    @State
    public static class UpdatingObserver {
        private final LongRef x = LongRef.named("x", 0);
        private final LongRef y = LongRef.named("y", 0);

        @Actor
        public void writer(IIII_Result r) {
            r.r3 = bumpBoth(x, y) + bumpBoth(x, y);
        }

        @Actor
        public void observer(IIII_Result r) {
            r.r1 = Stm.atomic(() -> {
                long seenX = x.get();
                long seenY = y.get();
                if (seenX != seenY) {
                    r.r2++; // recorded by the attempt itself: a later abort does not erase it
                }
                x.set(seenX + 10);
                y.set(seenY + 10);
                return (int) seenX;
            });
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            long finalX = x.get();
            r.r4 = finalX == y.get() ? (int) finalX : -1;
        }
    }
}
