package io.jstm.examples.monitor;

import io.jstm.dispatch.EventDispatcher;
import io.jstm.examples.common.Guard;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sensor feed monitored three ways: sequentially (the reference answer),
 * each batch as an event on a jstm {@link EventDispatcher} (its handler one
 * transaction), and each batch as a task on a thread pool of the same size
 * holding one global lock.
 *
 * <p>The anomaly rule looks at nothing but the reading and its sensor's fixed
 * normal range ({@link Sensor#anomalous}), and every aggregate is a sum, min,
 * max or set, so the findings do not depend on the order batches are
 * processed in: a parallel run must equal the sequential one exactly.
 */
public final class Monitoring {
    private Monitoring() {}

    /** Anomalies of one sensor that raise its alert. */
    public static final int ALERT_AFTER = 10;

    /**
     * One batch's work: parses its readings, checks each against its sensor's
     * range and totals them locally, then adds the totals and the anomalies to
     * {@code state}. The same code for both variants; on jstm it runs as one
     * transaction, under the global lock as one critical section.
     */
    static void processBatch(Batch batch, List<Sensor> sensors, MonitorState state) {
        Map<Integer, long[]> local = new HashMap<>(); // count, sum, min, max
        Map<Integer, List<Anomaly>> found = new HashMap<>();
        String p = batch.payload();
        int lines = 0;
        for (int from = 0, end; from < p.length(); from = end + 1) {
            end = p.indexOf('\n', from);
            Reading r = Reading.parse(p, from, end);
            lines++;
            long[] c = local.computeIfAbsent(r.sensor(), s -> new long[] {0, 0, Long.MAX_VALUE, Long.MIN_VALUE});
            c[0]++;
            c[1] += r.value();
            c[2] = Math.min(c[2], r.value());
            c[3] = Math.max(c[3], r.value());
            if (sensors.get(r.sensor()).anomalous(r.value())) {
                found.computeIfAbsent(r.sensor(), s -> new ArrayList<>()).add(new Anomaly(r.sensor(), r.time(),
                        r.value()));
            }
        }
        local.forEach((sensor, c) -> state.addReadings(sensor, c[0], c[1], c[2], c[3]));
        found.forEach(state::addAnomalies);
        state.addBatch(lines);
    }

    /** Every batch published to an {@link EventDispatcher} of {@code threads} threads; its handler is a transaction. */
    public static Summary runStm(SensorFeed feed, int threads) {
        MonitorState state = new MonitorState.OnJstm();
        try (EventDispatcher dispatcher = EventDispatcher.create(threads)) {
            dispatcher.on(Batch.class, b -> processBatch(b, feed.sensors(), state));
            // publish waits while the dispatcher holds its capacity of unfinished batches (back-pressure).
            CompletableFuture<?>[] done = feed.batches().stream().map(dispatcher::publish)
                    .toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(done).join();
        }
        return state.summary();
    }

    /** Every batch a task on a pool of {@code threads} threads, each holding one global lock. */
    public static Summary runLocked(SensorFeed feed, int threads) {
        MonitorState state = new MonitorState.Plain();
        Guard lock = Guard.globalLock();
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "monitor-lock-"
                + n.incrementAndGet()));
        try {
            CompletableFuture<?>[] done = feed.batches().stream().map(b -> CompletableFuture.runAsync(
                    () -> lock.atomic(() -> processBatch(b, feed.sensors(), state)), pool))
                    .toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(done).join();
        } finally {
            pool.shutdown();
        }
        return lock.atomic(state::summary);
    }

    /** The reference answer: one thread reading every line in feed order into plain maps. */
    public static Summary sequential(SensorFeed feed) {
        TreeMap<Integer, long[]> stats = new TreeMap<>(); // count, sum, min, max, anomalies
        List<Anomaly> anomalies = new ArrayList<>();
        long readings = 0;
        for (Batch b : feed.batches()) {
            for (String line : b.payload().split("\n")) {
                Reading r = Reading.parse(line, 0, line.length());
                long[] s = stats.computeIfAbsent(r.sensor(), k -> new long[] {0, 0, Long.MAX_VALUE, Long.MIN_VALUE, 0});
                s[0]++;
                s[1] += r.value();
                s[2] = Math.min(s[2], r.value());
                s[3] = Math.max(s[3], r.value());
                if (feed.sensors().get(r.sensor()).anomalous(r.value())) {
                    s[4]++;
                    anomalies.add(new Anomaly(r.sensor(), r.time(), r.value()));
                }
                readings++;
            }
        }
        anomalies.sort(null);
        TreeMap<Integer, Summary.SensorStats> out = new TreeMap<>();
        TreeSet<Integer> alerting = new TreeSet<>();
        stats.forEach((id, s) -> {
            out.put(id, new Summary.SensorStats(s[0], s[1], s[2], s[3], s[4]));
            if (s[4] >= ALERT_AFTER) {
                alerting.add(id);
            }
        });
        return new Summary(out, anomalies, alerting, alerting.size(), readings, feed.batches().size());
    }
}
