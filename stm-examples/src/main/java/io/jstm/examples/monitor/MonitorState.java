package io.jstm.examples.monitor;

import io.jstm.LongRef;
import io.jstm.Stm;
import io.jstm.collections.TMap;
import io.jstm.collections.TSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The monitor's shared state, which every batch adds to: per-sensor
 * aggregates, the anomalies, the alerting sensors and global counts. One
 * implementation on jstm, one in plain collections for code under the global
 * lock; {@link Monitoring#processBatch} is the same code over either, and
 * calls these methods inside its critical section.
 */
interface MonitorState {
    /** Adds a batch's {@code count} readings of {@code sensor}, with their sum, min and max. */
    void addReadings(int sensor, long count, long sum, long min, long max);

    /**
     * Records a batch's anomalies of {@code sensor} and raises the sensor's alert
     * when its anomalies reach {@link Monitoring#ALERT_AFTER}.
     */
    void addAnomalies(int sensor, List<Anomaly> found);

    /** Counts a processed batch of {@code readings} readings. */
    void addBatch(long readings);

    /** Everything so far, one consistent snapshot. */
    Summary summary();

    /**
     * On jstm: a {@link TMap} from sensor to its counters ({@link LongRef}s),
     * a {@link TSet} of anomalies and one of alerting sensors. Aggregates are
     * bumped with {@link LongRef#commute} (sum and count add, min and max
     * take the extreme: all commutative), so batches never conflict over
     * them. Only a batch with anomalies reads a counter, its sensor's anomaly
     * count, to decide whether to raise the alert: two such batches of one
     * sensor at once conflict, and one re-runs.
     */
    final class OnJstm implements MonitorState {
        private record Counters(LongRef count, LongRef sum, LongRef min, LongRef max, LongRef anomalies) {}

        private final TMap<Integer, Counters> sensors = new TMap<>();
        private final TSet<Anomaly> anomalies = new TSet<>();
        private final TSet<Integer> alerting = new TSet<>();
        private final LongRef alertsRaised = LongRef.named("alerts raised", 0);
        private final LongRef readings = LongRef.named("readings", 0);
        private final LongRef batches = LongRef.named("batches", 0);

        @Override
        public void addReadings(int sensor, long count, long sum, long min, long max) {
            Counters c = counters(sensor);
            c.count.commute(n -> n + count);
            c.sum.commute(n -> n + sum);
            c.min.commute(m -> Math.min(m, min));
            c.max.commute(m -> Math.max(m, max));
        }

        @Override
        public void addAnomalies(int sensor, List<Anomaly> found) {
            Counters c = counters(sensor);
            long before = c.anomalies.get();
            c.anomalies.set(before + found.size());
            anomalies.addAll(found);
            if (before < Monitoring.ALERT_AFTER && before + found.size() >= Monitoring.ALERT_AFTER) {
                alerting.add(sensor);
                alertsRaised.commute(n -> n + 1);
            }
        }

        @Override
        public void addBatch(long n) {
            readings.commute(r -> r + n);
            batches.commute(b -> b + 1);
        }

        /** The sensor's counters, made at its first reading (the only write to the map). */
        private Counters counters(int sensor) {
            Counters c = sensors.get(sensor);
            if (c == null) {
                String name = "sensor-" + sensor;
                c = new Counters(LongRef.named(name + " count", 0), LongRef.named(name + " sum", 0),
                        LongRef.named(name + " min", Long.MAX_VALUE), LongRef.named(name + " max", Long.MIN_VALUE),
                        LongRef.named(name + " anomalies", 0));
                sensors.put(sensor, c);
            }
            return c;
        }

        @Override
        public Summary summary() {
            return Stm.atomic(() -> {
                TreeMap<Integer, Summary.SensorStats> stats = new TreeMap<>();
                sensors.forEach((id, c) -> stats.put(id, new Summary.SensorStats(c.count.get(), c.sum.get(),
                        c.min.get(), c.max.get(), c.anomalies.get())));
                List<Anomaly> sorted = new ArrayList<>(anomalies);
                sorted.sort(null);
                return new Summary(stats, sorted, new TreeSet<>(alerting), alertsRaised.get(), readings.get(),
                        batches.get());
            });
        }
    }

    /** Plain collections, for code that holds the global lock. */
    final class Plain implements MonitorState {
        private static final int COUNT = 0;
        private static final int SUM = 1;
        private static final int MIN = 2;
        private static final int MAX = 3;
        private static final int ANOMALIES = 4;

        private final Map<Integer, long[]> sensors = new HashMap<>();
        private final Set<Anomaly> anomalies = new HashSet<>();
        private final Set<Integer> alerting = new HashSet<>();
        private long alertsRaised;
        private long readings;
        private long batches;

        @Override
        public void addReadings(int sensor, long count, long sum, long min, long max) {
            long[] c = counters(sensor);
            c[COUNT] += count;
            c[SUM] += sum;
            c[MIN] = Math.min(c[MIN], min);
            c[MAX] = Math.max(c[MAX], max);
        }

        @Override
        public void addAnomalies(int sensor, List<Anomaly> found) {
            long[] c = counters(sensor);
            long before = c[ANOMALIES];
            c[ANOMALIES] = before + found.size();
            anomalies.addAll(found);
            if (before < Monitoring.ALERT_AFTER && before + found.size() >= Monitoring.ALERT_AFTER) {
                alerting.add(sensor);
                alertsRaised++;
            }
        }

        @Override
        public void addBatch(long n) {
            readings += n;
            batches++;
        }

        private long[] counters(int sensor) {
            return sensors.computeIfAbsent(sensor, s -> new long[] {0, 0, Long.MAX_VALUE, Long.MIN_VALUE, 0});
        }

        @Override
        public Summary summary() {
            TreeMap<Integer, Summary.SensorStats> stats = new TreeMap<>();
            sensors.forEach((id, c) -> stats.put(id, new Summary.SensorStats(c[COUNT], c[SUM], c[MIN], c[MAX],
                    c[ANOMALIES])));
            List<Anomaly> sorted = new ArrayList<>(anomalies);
            sorted.sort(null);
            return new Summary(stats, sorted, new TreeSet<>(alerting), alertsRaised, readings, batches);
        }
    }
}
