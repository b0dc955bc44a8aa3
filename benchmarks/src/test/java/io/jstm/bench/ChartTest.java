package io.jstm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTest {
    /** Three results in the shape JMH writes them (trimmed to the fields Chart reads). */
    private static final String RESULTS = """
            [
              {"benchmark": "io.jstm.bench.BankBench.t2", "mode": "thrpt", "threads": 2,
               "params": {"impl": "jstm"},
               "primaryMetric": {"score": 10.0, "scoreError": 0.5, "scoreUnit": "ops/us"},
               "secondaryMetrics": {"aborts": {"score": 0.1, "scoreError": "NaN", "scoreUnit": "ops/us"},
                                    "gc.alloc.rate.norm": {"score": 16.0, "scoreError": 0.0, "scoreUnit": "B/op"}}},
              {"benchmark": "io.jstm.bench.BankBench.t2", "mode": "thrpt", "threads": 2,
               "params": {"impl": "scalastm"},
               "primaryMetric": {"score": 2.5, "scoreError": 0.1, "scoreUnit": "ops/us"},
               "secondaryMetrics": {}},
              {"benchmark": "io.jstm.bench.SmallTxnBench.t1", "mode": "avgt", "threads": 1,
               "params": {"impl": "jstm"},
               "primaryMetric": {"score": 50.0, "scoreError": 1.0, "scoreUnit": "ns/op"},
               "secondaryMetrics": {}},
              {"benchmark": "io.jstm.bench.TMapBench.t1", "mode": "thrpt", "threads": 1,
               "params": {"map": "jstmTMap"},
               "primaryMetric": {"score": 9.0, "scoreError": 1.0, "scoreUnit": "ops/us"},
               "secondaryMetrics": {}}
            ]
            """;

    @Test
    void readsJmhJsonAndConvertsEveryScoreToThroughput(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("results.json");
        Files.writeString(json, RESULTS);
        List<Chart.Result> results = Chart.read(json);
        assertEquals(3, results.size(), "the TMap result (no impl parameter) is left out");
        // SmallTxn sorts first; 50 ns per op at one thread is 20 million ops/s.
        assertEquals("SmallTxn", results.get(0).workload());
        assertEquals(20.0, results.get(0).throughput(), 1e-9);
        Chart.Result jstmBank = results.get(1);
        assertEquals("jstm", jstmBank.impl());
        assertEquals(10.0, jstmBank.throughput(), 1e-9);
        assertEquals(0.01, jstmBank.perOp("aborts"), 1e-12);
        assertEquals(16.0, jstmBank.bytesPerOp(), 1e-12);
    }

    @Test
    void tableShowsJstmSpeedupOverEachPeer(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("results.json");
        Files.writeString(json, RESULTS);
        String table = Chart.table(Chart.read(json));
        assertTrue(table.contains("| Bank | 2 | 1.00x | 4.00x |"), table);
        assertTrue(table.contains("| scalastm | 2 | 2.50 ± 0.100 ops/us | 2.50 | 4.00x |"), table);
    }

    @Test
    void drawsAPng(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("results.json");
        Files.writeString(json, RESULTS);
        Path png = dir.resolve("chart/results.png");
        Chart.draw(Chart.read(json), png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 500 && img.getHeight() > 200, img.getWidth() + "x" + img.getHeight());
    }

    @Test
    void jsonReaderHandlesEscapesNumbersAndLiterals() {
        Object parsed = Json.parse("{\"a\": [1, -2.5e3, true, null, \"x\\\"y\\u0041\"]}");
        assertEquals(Map.of("a", java.util.Arrays.asList(1.0, -2500.0, true, null, "x\"yA")), parsed);
    }
}
