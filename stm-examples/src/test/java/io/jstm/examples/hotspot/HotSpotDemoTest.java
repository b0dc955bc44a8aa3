package io.jstm.examples.hotspot;

import io.jstm.ConflictReport;
import io.jstm.Stm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
        if (slow.stats().conflictAborts() > 0) {
            ConflictReport.Entry top = r.entries().get(0);
            assertEquals("orders-today", top.refName(), r.toString());
            assertTrue(top.accessLocation().contains("placeOrder"), r.toString());
            assertTrue(top.otherLocation().contains("placeOrder"), r.toString());
        }
        HotSpotDemo.Run fixed = HotSpotDemo.run(2, 20_000, true);
        assertEquals(fixed.orders(), fixed.ordersCounted());
        assertTrue(fixed.report().entries().stream().noneMatch(e -> e.refName().equals("orders-today")),
                fixed.report().toString());
    }
}
