package io.jstm.examples.monitor;

import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * What monitoring a feed found. Immutable; equal findings make equal records,
 * whatever order the batches were processed in.
 *
 * @param sensors      per sensor seen: its readings' count, sum, min, max and anomalies
 * @param anomalies    every anomaly, sorted by time then sensor
 * @param alerting     the sensors whose anomalies reached {@link Monitoring#ALERT_AFTER}
 * @param alertsRaised how many times an alert was raised (once a sensor: equals {@code alerting.size()})
 * @param readings     readings processed
 * @param batches      batches processed
 */
public record Summary(SortedMap<Integer, SensorStats> sensors, List<Anomaly> anomalies, SortedSet<Integer> alerting,
                      long alertsRaised, long readings, long batches) {

    /**
     * One sensor's aggregates.
     *
     * @param count     readings
     * @param sum       their sum, in thousandths of the unit
     * @param min       the lowest
     * @param max       the highest
     * @param anomalies readings outside the sensor's normal range
     */
    public record SensorStats(long count, long sum, long min, long max, long anomalies) {
        /** The mean reading, in units. */
        public double mean() {
            return sum / 1000.0 / count;
        }
    }
}
