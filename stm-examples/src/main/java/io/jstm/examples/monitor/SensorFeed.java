package io.jstm.examples.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A generated stream of sensor readings, from a seed: sites of sensors, each
 * site's gateway uploading in turn a {@link Batch} of readings of all its
 * sensors. Readings are the sensor's mean plus normal noise, except injected
 * spikes (one reading in {@value #SPIKE_ONE_IN} replaced by the mean plus or
 * minus 6 to 11 sigma) and a few faulty sensors that drift upwards from some
 * point on, so that they keep raising anomalies and end up alerting.
 *
 * @param sensors the sensors' configuration, by id
 * @param batches the uploads, in arrival order
 * @param spikes  the injected spikes, in feed order: each must be found as an anomaly
 */
public record SensorFeed(List<Sensor> sensors, List<Batch> batches, List<Anomaly> spikes) {
    public static final int SPIKE_ONE_IN = 2000;
    /** Milliseconds between two readings of one sensor. */
    static final long PERIOD = 1000;
    static final long START = 1_700_000_000_000L;

    /**
     * @param sites            gateways
     * @param sensorsPerSite   sensors a site
     * @param readingsPerBatch readings of each sensor in one upload
     * @param readings         readings in all (rounded down to whole rounds of uploads, at least one round)
     */
    public static SensorFeed generate(int sites, int sensorsPerSite, int readingsPerBatch, long readings, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Sensor> sensors = new ArrayList<>();
        long[] driftFrom = new long[sites * sensorsPerSite];
        for (int id = 0; id < sites * sensorsPerSite; id++) {
            sensors.add(new Sensor(id, id / sensorsPerSite, 10_000 + rnd.nextInt(30_000), 100 + rnd.nextInt(900)));
            // One sensor in 100 goes faulty somewhere in the feed: it drifts up by a tenth of a sigma a reading.
            driftFrom[id] = rnd.nextInt(100) == 0 ? rnd.nextLong(readings / sensors.size() + 1) : Long.MAX_VALUE;
        }
        long perRound = (long) sites * sensorsPerSite * readingsPerBatch;
        long rounds = Math.max(1, readings / perRound);
        List<Batch> batches = new ArrayList<>();
        List<Anomaly> spikes = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (long round = 0; round < rounds; round++) {
            for (int site = 0; site < sites; site++) {
                sb.setLength(0);
                for (int k = 0; k < readingsPerBatch; k++) {
                    long n = round * readingsPerBatch + k; // this reading's number, per sensor
                    for (int s = site * sensorsPerSite; s < (site + 1) * sensorsPerSite; s++) {
                        Sensor sensor = sensors.get(s);
                        long time = START + n * PERIOD + s % sensorsPerSite;
                        long value = sensor.mean() + Math.round(sensor.sigma() * rnd.nextGaussian());
                        if (n >= driftFrom[s]) {
                            value += (n - driftFrom[s]) * sensor.sigma() / 10;
                        }
                        if (rnd.nextInt(SPIKE_ONE_IN) == 0) {
                            long size = (6 + rnd.nextInt(6)) * sensor.sigma();
                            value = sensor.mean() + (rnd.nextBoolean() ? size : -size);
                            spikes.add(new Anomaly(s, time, value));
                        }
                        sb.append(new Reading(s, time, value).format()).append('\n');
                    }
                }
                batches.add(new Batch(batches.size(), site, sb.toString()));
            }
        }
        return new SensorFeed(List.copyOf(sensors), List.copyOf(batches), List.copyOf(spikes));
    }

    /** Readings in all the batches. */
    public long readings() {
        return batches.stream().mapToLong(Batch::readings).sum();
    }
}
