package io.jstm.examples.logs;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LogAggregationTest {

    @Test
    void aLineIsParsedIntoDomainStatusAndSize() {
        LogLine l = LogLine.parse("10.0.3.7 - - [12/Mar/2024:10:15:02 +0000] "
                + "\"GET http://shop3.example/item/812 HTTP/1.1\" 404 5120");
        assertEquals(new LogLine("shop3.example", 404, 5120), l);
        assertEquals("a.example", LogLine.parse("1.2.3.4 - - [x] \"GET http://a.example:8080/ HTTP/1.1\" 200 -").domain());
    }

    @Test
    void theParallelAggregationsEqualTheSequentialOne() throws Exception {
        String[] log = AccessLog.generate(60_000, 50, 7);
        Totals expected = LogAggregation.sequential(log);
        assertEquals(60_000, expected.lines());
        assertEquals(60_000, expected.requests().values().stream().mapToLong(Long::longValue).sum());
        assertEquals(50, expected.requests().size());
        assertEquals(expected, LogAggregation.runStm(log, 500, 2));
        assertEquals(expected, LogAggregation.runStm(log, 77, 3));
        assertEquals(expected, LogAggregation.runLocked(log, 500, 2));
    }

    @Test
    void theLogIsTheSameForTheSameSeed() {
        assertArrayEquals(AccessLog.generate(1000, 20, 1), AccessLog.generate(1000, 20, 1));
    }
}
