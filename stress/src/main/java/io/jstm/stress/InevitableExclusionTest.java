package io.jstm.stress;

import io.jstm.LongRef;
import io.jstm.Stm;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * At most one inevitable transaction at a time, and an inevitable transaction
 * never re-runs the code after {@link Stm#becomeInevitable()}.
 *
 * <p>Both actors become inevitable, then stand for a moment in a section that
 * stands in for I/O: they count themselves in and out of it with an
 * {@link AtomicInteger} that the STM does not roll back, so overlap and
 * repeated runs are both visible. Each also increments a shared counter in the
 * same transaction.
 *
 * <p>r1, r2: the most actors each one saw in the section at once (must be 1);
 * r3: how many times the section ran in total (must be 2: once per
 * transaction, since an inevitable transaction never aborts after becoming
 * inevitable); r4: the final counter (2).
 */
@JCStressTest
@Outcome(id = "1, 1, 2, 2", expect = ACCEPTABLE,
        desc = "The inevitable sections ran one after the other, once each.")
@Outcome(id = {"2, 1, 2, 2", "1, 2, 2, 2", "2, 2, 2, 2"}, expect = FORBIDDEN,
        desc = "Two inevitable transactions ran at the same time.")
@Outcome(expect = FORBIDDEN,
        desc = "Any other result: code after becomeInevitable() ran twice (so it was aborted after all), or an increment was lost.")
@State
public class InevitableExclusionTest {
    /** Spins inside the section, long enough for an overlapping actor to show up. */
    private static final int SECTION_SPINS = 64;

    private final AtomicInteger inSection = new AtomicInteger();
    private final AtomicInteger sectionRuns = new AtomicInteger();
    private final LongRef counter = LongRef.named("counter", 0);

    @Actor
    public void first(IIII_Result r) {
        r.r1 = inevitableIncrement();
    }

    @Actor
    public void second(IIII_Result r) {
        r.r2 = inevitableIncrement();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r3 = sectionRuns.get();
        r.r4 = (int) counter.get();
    }

    /** Returns the most actors seen in the inevitable section at once, itself included. */
    private int inevitableIncrement() {
        return Stm.atomic(() -> {
            counter.set(counter.get() + 1);
            Stm.becomeInevitable();
            sectionRuns.incrementAndGet();
            int most = inSection.incrementAndGet();
            for (int i = 0; i < SECTION_SPINS; i++) {
                Thread.onSpinWait();
                most = Math.max(most, inSection.get());
            }
            inSection.decrementAndGet();
            return most;
        });
    }
}
