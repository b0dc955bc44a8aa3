package io.jstm.examples.monitor;

/**
 * A reading outside its sensor's normal range.
 *
 * @param sensor the sensor's id
 * @param time   when, in epoch milliseconds
 * @param value  the reading, in thousandths of the unit
 */
public record Anomaly(int sensor, long time, long value) implements Comparable<Anomaly> {
    /** By time, then sensor: the order of the reference run's list. */
    @Override
    public int compareTo(Anomaly o) {
        int c = Long.compare(time, o.time);
        return c != 0 ? c : Integer.compare(sensor, o.sensor);
    }
}
