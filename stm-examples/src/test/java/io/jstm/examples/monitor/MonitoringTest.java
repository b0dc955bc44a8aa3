package io.jstm.examples.monitor;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

class MonitoringTest {

    @Test
    void aLineIsParsedIntoSensorTimeAndThousandths() {
        String line = "217,1700000123000,23.456";
        assertEquals(new Reading(217, 1_700_000_123_000L, 23_456), Reading.parse(line, 0, line.length()));
        String two = "5,10,-0.250\n6,11,-12.005\n";
        assertEquals(new Reading(5, 10, -250), Reading.parse(two, 0, 11));
        assertEquals(new Reading(6, 11, -12_005), Reading.parse(two, 12, two.length() - 1));
        for (long v : new long[] {0, 7, -7, 999, 1_000, -1_001, 123_456_789}) {
            Reading r = new Reading(3, 99, v);
            assertEquals(r, Reading.parse(r.format(), 0, r.format().length()), r.format());
        }
        assertThrows(IllegalArgumentException.class, () -> Reading.parse("1,2,3.4", 0, 7));
        assertThrows(IllegalArgumentException.class, () -> Reading.parse("1;2;3.400", 0, 9));
    }

    @Test
    void aReadingBeyondFourAndAHalfSigmaIsAnAnomaly() {
        Sensor s = new Sensor(0, 0, 20_000, 1_000);
        assertEquals(15_500, s.low());
        assertEquals(24_500, s.high());
        assertFalse(s.anomalous(24_500));
        assertFalse(s.anomalous(15_500));
        assertTrue(s.anomalous(24_501));
        assertTrue(s.anomalous(15_499));
    }

    @Test
    void aHandMadeFeedGivesTheHandComputedSummaryEveryWay() {
        // sensor 0: normal 9.550 .. 10.450; sensor 1: normal 15.500 .. 24.500.
        List<Sensor> sensors = List.of(new Sensor(0, 0, 10_000, 100), new Sensor(1, 0, 20_000, 1_000));
        StringBuilder first = new StringBuilder("0,1000,10.000\n1,1000,30.000\n0,2000,9.000\n");
        StringBuilder second = new StringBuilder("1,2000,20.500\n0,3000,10.100\n");
        // Ten more anomalies of sensor 0, six in the first upload and four in the second: its alert is
        // raised by the second, when its count goes from 7 to 11.
        for (int i = 0; i < 10; i++) {
            (i < 6 ? first : second).append("0,").append(4000 + i).append(",11.000\n");
        }
        SensorFeed feed = new SensorFeed(sensors, List.of(new Batch(0, 0, first.toString()),
                new Batch(1, 0, second.toString())), List.of());
        List<Anomaly> anomalies = new ArrayList<>();
        anomalies.add(new Anomaly(1, 1000, 30_000));
        anomalies.add(new Anomaly(0, 2000, 9_000));
        for (int i = 0; i < 10; i++) {
            anomalies.add(new Anomaly(0, 4000 + i, 11_000));
        }
        TreeMap<Integer, Summary.SensorStats> stats = new TreeMap<>();
        stats.put(0, new Summary.SensorStats(13, 10_000 + 9_000 + 10_100 + 110_000, 9_000, 11_000, 11));
        stats.put(1, new Summary.SensorStats(2, 50_500, 20_500, 30_000, 1));
        Summary expected = new Summary(stats, anomalies, new TreeSet<>(Set.of(0)), 1, 15, 2);

        assertEquals(expected, Monitoring.sequential(feed));
        assertEquals(expected, Monitoring.runStm(feed, 2));
        assertEquals(expected, Monitoring.runLocked(feed, 2));
    }

    @Test
    void theParallelRunsEqualTheSequentialOneExactly() {
        SensorFeed feed = SensorFeed.generate(6, 10, 10, 120_000, 12);
        Summary expected = Monitoring.sequential(feed);
        assertEquals(120_000, expected.readings());
        assertEquals(feed.batches().size(), expected.batches());
        assertFalse(expected.alerting().isEmpty(), "seed 12 has three drifting sensors that alert");
        assertTrue(expected.anomalies().containsAll(feed.spikes()), "every injected spike is found");
        assertTrue(feed.spikes().size() > 20);
        assertEquals(expected, Monitoring.runStm(feed, 2));
        assertEquals(expected, Monitoring.runStm(feed, 3));
        assertEquals(expected, Monitoring.runLocked(feed, 2));
    }

    @Test
    void theSequentialSummaryAgreesWithTheFeedReadingByReading() {
        SensorFeed feed = SensorFeed.generate(3, 5, 8, 30_000, 2);
        Summary s = Monitoring.sequential(feed);
        long count = 0;
        for (Batch b : feed.batches()) {
            for (String line : b.payload().split("\n")) {
                Reading r = Reading.parse(line, 0, line.length());
                Summary.SensorStats st = s.sensors().get(r.sensor());
                assertTrue(st.min() <= r.value() && r.value() <= st.max());
                Sensor sensor = feed.sensors().get(r.sensor());
                Anomaly a = new Anomaly(r.sensor(), r.time(), r.value());
                assertEquals(r.value() < sensor.low() || r.value() > sensor.high(), s.anomalies().contains(a), line);
                count++;
            }
        }
        assertEquals(count, s.readings());
        assertEquals(count, s.sensors().values().stream().mapToLong(Summary.SensorStats::count).sum());
        assertEquals(s.anomalies().size(), s.sensors().values().stream().mapToLong(Summary.SensorStats::anomalies)
                .sum());
        assertEquals(List.copyOf(new TreeSet<>(s.anomalies())), s.anomalies(), "sorted, no duplicates");
    }

    @Test
    void concurrentBatchesRaiseASensorsAlertExactlyOnce() {
        // 300 uploads, each with one anomaly of the same sensor, handled in parallel: each reads the
        // sensor's anomaly count, so the one that takes it to ALERT_AFTER is unique.
        List<Sensor> sensors = List.of(new Sensor(0, 0, 10_000, 100));
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            batches.add(new Batch(i, 0, "0," + (2 * i) + ",10.000\n0," + (2 * i + 1) + ",50.000\n"));
        }
        SensorFeed feed = new SensorFeed(sensors, batches, List.of());
        for (Summary s : List.of(Monitoring.runStm(feed, 2), Monitoring.runStm(feed, 3),
                Monitoring.runLocked(feed, 3))) {
            assertEquals(1, s.alertsRaised());
            assertEquals(Set.of(0), s.alerting());
            assertEquals(300, s.anomalies().size());
            assertEquals(new Summary.SensorStats(600, 300 * 60_000L, 10_000, 50_000, 300), s.sensors().get(0));
        }
    }

    @Test
    void theFeedIsTheSameForTheSameSeed() {
        SensorFeed a = SensorFeed.generate(2, 3, 4, 2_400, 9);
        assertEquals(a, SensorFeed.generate(2, 3, 4, 2_400, 9));
        assertEquals(2_400, a.readings());
        assertEquals(200, a.batches().size()); // 100 rounds of 2 uploads of 3 x 4 readings
        assertNotEquals(a.batches(), SensorFeed.generate(2, 3, 4, 2_400, 10).batches());
    }
}
