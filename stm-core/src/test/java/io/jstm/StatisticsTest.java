package io.jstm;

import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.*;

/** Global statistics add up, and the conflict report ranks by wasted time. */
class StatisticsTest {

    @Test
    void commitsAbortsAndRetriesAddUp() throws Exception {
        Stm.resetStatistics();
        LongRef r = LongRef.named("counted", 0);
        Thread t = new Thread(() -> {
            for (int i = 0; i < 100; i++) {
                Stm.atomic(() -> r.set(r.get() + 1));
            }
        });
        t.start();
        t.join();
        // three deterministic read-invalidated aborts
        for (int k = 0; k < 3; k++) {
            forceOneConflict(r, 0);
        }
        // one explicit retry
        LongRef gate = LongRef.of(0);
        Workers w = new Workers().start(1, i -> Stm.atomic(() -> {
            if (gate.get() == 0) {
                Stm.retry();
            }
        }));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (Stm.statistics().retries() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        gate.set(1);
        w.join(Duration.ofSeconds(30));
        StmStatistics s = Stm.statistics();
        // 100 increments + 3 victims + 1 retrier; outside writes are not transactions
        assertEquals(104, s.commits(), s.toString());
        assertEquals(3, s.readInvalidatedAborts(), s.toString());
        assertEquals(3, s.conflictAborts());
        assertEquals(1, s.retries());
        assertTrue(s.wastedNanos() > 0);
        Stm.resetStatistics();
        assertEquals(0, Stm.statistics().commits());
    }

    /** A victim reads {@code r}, an outside write lands, the victim re-runs; it sleeps {@code wasteMillis} first. */
    static void forceOneConflict(LongRef r, long wasteMillis) throws Exception {
        CountDownLatch read = new CountDownLatch(1), written = new CountDownLatch(1);
        Workers victim = new Workers().start(1, w -> Stm.atomic(() -> {
            long v = r.get();
            if (read.getCount() > 0) {
                read.countDown();
                ConcurrencyTest.await(written);
                if (wasteMillis > 0) {
                    try {
                        Thread.sleep(wasteMillis);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            }
            r.set(v + 1);
        }));
        read.await();
        r.set(r.get() + 1);
        written.countDown();
        victim.join(Duration.ofSeconds(30));
    }

    @Test
    void theConflictReportRanksRefsByWastedTime() throws Exception {
        Stm.resetStatistics();
        LongRef hot = LongRef.named("hot-spot", 0), cold = LongRef.named("cold-spot", 0);
        for (int i = 0; i < 3; i++) {
            forceOneConflict(hot, 30);
        }
        forceOneConflict(cold, 0);
        ConflictReport report = Stm.conflictReport();
        assertEquals(2, report.entries().size(), report.toString());
        ConflictReport.Entry first = report.entries().get(0);
        assertEquals("hot-spot", first.refName());
        assertEquals(3, first.aborts());
        assertTrue(first.wastedNanos() >= 3 * 30_000_000L, report.toString());
        assertEquals("cold-spot", report.entries().get(1).refName());
        assertEquals(4, report.totalAborts());
        String text = report.toString();
        assertTrue(text.indexOf("hot-spot") < text.indexOf("cold-spot"), text);
        String html = report.toHtml();
        assertTrue(html.contains("class=\"bar\"") && html.contains("hot-spot"), html);
    }
}
