package io.jstm.contention;

import io.jstm.LongRef;
import io.jstm.Stm;
import io.jstm.StmStatistics;
import io.jstm.internal.Probes;
import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A long attempt (at least {@code ContentionManager.LONG_READS} reads) that loses
 * a conflict re-runs inevitable at once, so its expensive re-run cannot be lost
 * again; a shorter one backs off and re-runs optimistically as before.
 */
class LongAttemptEscalationTest {

    @Test
    void anAttemptWithLongReadsRerunsInevitableAfterOneConflict() throws Exception {
        List<Boolean> inevitable = loseOneConflictAfterReading(Probes.longReads());
        assertEquals(List.of(false, true), inevitable, "attempts' inevitability");
        assertEquals(1, Stm.statistics().escalations(), Stm.statistics().toString());
    }

    @Test
    void anAttemptOneReadShorterRerunsOptimistically() throws Exception {
        List<Boolean> inevitable = loseOneConflictAfterReading(Probes.longReads() - 1);
        assertEquals(List.of(false, false), inevitable, "attempts' inevitability");
        assertEquals(0, Stm.statistics().escalations(), Stm.statistics().toString());
    }

    @Test
    void aLongAttemptThatRetriesDoesNotEscalate() throws Exception {
        LongRef[] others = new LongRef[Probes.longReads()];
        for (int i = 0; i < others.length; i++) {
            others[i] = LongRef.of(i);
        }
        LongRef gate = LongRef.named("gate", 0);
        List<Boolean> inevitable = new ArrayList<>();
        Stm.resetStatistics();
        Workers waiter = new Workers().start(1, w -> Stm.atomic(() -> {
            inevitable.add(Stm.isInevitable());
            for (LongRef o : others) {
                o.get();
            }
            if (gate.get() == 0) {
                Stm.retry(); // a wait for the gate, not a lost conflict
            }
        }));
        ContentionWorkers.awaitCondition("the transaction blocks in retry", Probes::anyRetryWaiters);
        gate.set(1);
        waiter.join(Duration.ofSeconds(30));
        assertEquals(List.of(false, false), inevitable, "attempts' inevitability");
        StmStatistics s = Stm.statistics();
        assertEquals(1, s.retries(), s.toString());
        assertEquals(0, s.escalations(), s.toString());
    }

    /**
     * Runs a transaction that reads {@code reads} refs (the last one {@code r}),
     * waits until an outside write changes {@code r}, then writes {@code r}: its
     * first attempt loses. Returns whether each attempt ran inevitable.
     */
    private static List<Boolean> loseOneConflictAfterReading(int reads) throws Exception {
        LongRef[] others = new LongRef[reads - 1];
        for (int i = 0; i < others.length; i++) {
            others[i] = LongRef.of(i);
        }
        LongRef r = LongRef.named("contended", 0);
        CountDownLatch read = new CountDownLatch(1), written = new CountDownLatch(1);
        List<Boolean> inevitable = new ArrayList<>();
        Stm.resetStatistics();
        Workers victim = new Workers().start(1, w -> Stm.atomic(() -> {
            inevitable.add(Stm.isInevitable());
            for (LongRef o : others) {
                o.get(); // logged in the read set
            }
            long v = r.get();
            if (read.getCount() > 0) {
                read.countDown();
                await(written);
            }
            r.set(v + 1);
        }));
        read.await();
        r.set(r.get() + 1);
        written.countDown();
        victim.join(Duration.ofSeconds(30));
        assertEquals(2, r.get(), "the outside write and the victim's increment both landed");
        StmStatistics s = Stm.statistics();
        assertEquals(1, s.readInvalidatedAborts(), s.toString());
        return inevitable;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
