package io.jstm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LeeInterleavedTest {

    @Test
    void everyRouterRoutesEveryRoundInItsOwnLoader() {
        List<String> impls = List.of("sequential", "jstm", "scalastm");
        long[][] times = LeeInterleaved.measure("testBoard", 1, impls, 1, 3);
        assertEquals(3, times.length);
        for (long[] t : times) {
            assertEquals(3, t.length);
            for (long nanos : t) {
                assertTrue(nanos > 0, "a routing took " + nanos + " ns");
            }
        }
        String report = LeeInterleaved.report("testBoard", 1, impls, times);
        assertTrue(report.startsWith("testBoard, 1 thread(s), 3 rounds"), report);
        assertTrue(report.contains("sequential / jstm: geometric mean of the round ratios"), report);
        assertTrue(report.contains("sequential / scalastm"), report);
    }

    @Test
    void twoThreadsWork() {
        long[][] times = LeeInterleaved.measure("minimal", 2, List.of("jstm", "globalLock"), 0, 2);
        assertTrue(times[0][1] > 0 && times[1][1] > 0);
    }

    @Test
    void aRouterMayNameItsOwnThreadCount() {
        long[][] times = LeeInterleaved.measure("testBoard", 2, List.of("jstm@1", "jstm@2", "sequential@1"), 0, 2);
        assertEquals(3, times.length);
        assertTrue(times[0][1] > 0 && times[1][1] > 0 && times[2][1] > 0);
        for (String bad : new String[] {"jstm@0", "jstm@x", "jstm@"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LeeInterleaved.measure("minimal", 1, List.of(bad), 0, 1));
            assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> LeeInterleaved.measure("minimal", 1, List.of("sequential@2"), 0, 1));
    }

    @Test
    void statisticsAreTheNearestRankQuantilesAndPairedRatios() {
        long[] sorted = {10, 20, 30, 40};
        assertEquals(20, LeeInterleaved.quantile(sorted, 0.5));
        assertEquals(10, LeeInterleaved.quantile(sorted, 0.25));
        assertEquals(30, LeeInterleaved.quantile(sorted, 0.75));
        assertEquals(40, LeeInterleaved.quantile(sorted, 1.0));
        assertEquals(10, LeeInterleaved.quantile(sorted, 0.0));
        long[] a = {100, 400, 50};
        long[] b = {200, 100, 50};
        // ratios 0.5, 4, 1: geometric mean (0.5 * 4 * 1)^(1/3) = 2^(1/3)
        assertEquals(Math.cbrt(2), LeeInterleaved.geomeanRatio(a, b), 1e-12);
        assertEquals(1, LeeInterleaved.faster(a, b));
        assertEquals(1, LeeInterleaved.faster(b, a));
    }

    @Test
    void misuseIsRejectedBeforeAnyRouting() {
        IllegalArgumentException seq = assertThrows(IllegalArgumentException.class,
                () -> LeeInterleaved.measure("minimal", 2, List.of("sequential"), 0, 1));
        assertTrue(seq.getMessage().contains("1 thread only"), seq.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> LeeInterleaved.measure("minimal", 1, List.of("nosuch"), 0, 1));
        assertTrue(unknown.getMessage().contains("nosuch"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LeeInterleaved.measure("minimal", 1, List.of("jstm"), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> LeeInterleaved.main(new String[] {"minimal"}));
    }
}
