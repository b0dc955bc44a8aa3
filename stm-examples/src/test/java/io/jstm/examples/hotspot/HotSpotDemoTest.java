package io.jstm.examples.hotspot;

import io.jstm.AbortReason;
import io.jstm.ConflictReport;
import io.jstm.Stm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

class HotSpotDemoTest {

    @AfterEach
    void tracingOff() {
        Stm.setConflictTracing(false);
    }

    @Test
    void theReportPointsAtTheHotSpotAndTheFixRemovesIt() throws Exception {
        Stm.setConflictTracing(true);
        HotSpotDemo.Run slow = HotSpotDemo.run(2, 20_000, false);
        assertEquals(slow.orders(), slow.ordersCounted());
        ConflictReport r = slow.report();
        // The hot spot is the ref with the most aborts, summed over its groups (a ref has one group per
        // reason and pair of sites: orders-today's aborts split between WRITE_WRITE and
        // READ_INVALIDATED). Not the first group by wasted time: one unlucky attempt elsewhere (a
        // thread descheduled for 13 ms on a busy 2-core machine) can come first. Chance collisions on
        // the 4,096 stock and customer refs give a ref an abort or two.
        Map<String, Long> byRef = r.entries().stream().collect(
                Collectors.groupingBy(ConflictReport.Entry::refName, Collectors.summingLong(ConflictReport.Entry::aborts)));
        long most = byRef.values().stream().mapToLong(Long::longValue).max().orElse(0);
        if (most >= 3) {
            assertEquals(most, byRef.getOrDefault("orders-today", 0L), r.toString());
            for (ConflictReport.Entry e : r.entries()) {
                if (e.refName().equals("orders-today")) {
                    assertTrue(e.accessLocation().contains("placeOrder"), r.toString());
                    // A write-write loser waits for the lock's holder to finish, then names it; a
                    // holder that failed after locking a ref nobody had written yet leaves no writer
                    // to name: "?". (Before the loser waited, "?" came once in 30 fresh JVMs.)
                    boolean unknownLockHolder = e.reason() == AbortReason.WRITE_WRITE && e.otherLocation().equals("?");
                    assertTrue(unknownLockHolder || e.otherLocation().contains("placeOrder"), r.toString());
                }
            }
        }
        HotSpotDemo.Run fixed = HotSpotDemo.run(2, 20_000, true);
        assertEquals(fixed.orders(), fixed.ordersCounted());
        assertTrue(fixed.report().entries().stream().noneMatch(e -> e.refName().equals("orders-today")),
                fixed.report().toString());
    }
}
