package io.jstm.stress;

import io.jstm.LongRef;
import io.jstm.Stm;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * No zombie attempts: code that is correct for every committed state must not
 * loop or throw because of a state that was never committed.
 *
 * <p>Every commit keeps {@code hi == lo + 1}. The writer moves the pair up by
 * one, twice. The reader (an updating transaction, so it can be doomed and
 * aborted) reads {@code hi} then {@code lo}, and does what such code does
 * with the gap: walks from {@code lo} to {@code hi}, and indexes a
 * two-element table by {@code hi - lo}. On a torn read (old {@code hi}, new
 * {@code lo}) the walk would never end and the index would be out of bounds.
 * The walk is bounded, so a zombie shows up as a count here instead of a hung
 * run; the out-of-bounds exception is left to escape the block, and if it ever
 * reaches the caller the engine rethrew an exception from an inconsistent attempt.
 *
 * <p>r1: the gap the committed attempt saw (1), or {@link #ESCAPED} if an
 * exception escaped {@code atomic}; r2: attempts that saw a gap other than 1;
 * r3: attempts whose walk hit its bound.
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE,
        desc = "Every reader attempt saw hi == lo + 1.")
@Outcome(id = {"1, 1, 1", "1, 2, 2"}, expect = FORBIDDEN,
        desc = "Zombie: an attempt saw hi < lo and its walk ran away (stopped only by the bound); the abort hid it.")
@Outcome(id = "-100, 1, 1", expect = FORBIDDEN,
        desc = "Zombie: an inconsistent attempt threw and the exception escaped Stm.atomic.")
@Outcome(expect = FORBIDDEN,
        desc = "Any other result: some attempt saw a torn pair, or the committed attempt did.")
@State
public class ZombieReaderTest {
    /** r1 when an exception escaped the reader's atomic block. */
    static final int ESCAPED = -100;

    /** More steps than any consistent walk (exactly one step) could take. */
    private static final int WALK_BOUND = 1_000;

    private final LongRef lo = LongRef.named("lo", 0);
    private final LongRef hi = LongRef.named("hi", 1);
    private final LongRef lastGap = LongRef.named("lastGap", 0);
    private final int[] slots = new int[2];

    @Actor
    public void writer() {
        for (int i = 0; i < 2; i++) {
            Stm.atomic(() -> {
                hi.set(hi.get() + 1);
                lo.set(lo.get() + 1);
            });
        }
    }

    @Actor
    public void reader(III_Result r) {
        try {
            r.r1 = Stm.atomic(() -> {
                long seenHi = hi.get();
                long seenLo = lo.get();
                long gap = seenHi - seenLo;
                if (gap != 1) {
                    r.r2++; // recorded by the attempt itself: a later abort does not erase it
                }
                int steps = 0;
                for (long i = seenLo; i != seenHi; i++) {
                    if (++steps > WALK_BOUND) {
                        r.r3++;
                        break;
                    }
                }
                slots[(int) gap]++; // out of bounds unless gap is 0 or 1
                lastGap.set(gap);   // makes the reader an updating transaction
                return (int) gap;
            });
        } catch (RuntimeException e) {
            r.r1 = ESCAPED;
        }
    }
}
