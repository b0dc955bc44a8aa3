package io.jstm.examples.monitor;

import io.jstm.examples.common.BestOf;
import io.jstm.examples.common.BestOf.Timed;
import io.jstm.examples.common.Options;

import java.util.Locale;
import java.util.Map;

/**
 * Monitoring (the asyncio/multiprocessing talk's example): a few million
 * generated sensor readings, uploaded in batches by site gateways, checked
 * for anomalies against each sensor's normal range and aggregated into shared
 * state (per-sensor count, sum, min and max; the anomalies; alerting sensors)
 * by handlers on a jstm {@code EventDispatcher}, against the same handler on a
 * pool under one global lock; both must equal a sequential run exactly.
 *
 * <p>Usage: {@code monitor [readings=2000000] [threads=2] [--sites=25] [--sensors=20] [--batch=20] [--seed=42]
 * [--runs=3] [--trace]} ({@code --sensors}: a site; {@code --batch}: readings of each sensor an upload;
 * times are the best of {@code runs})
 */
public final class MonitorDemo {
    private MonitorDemo() {}

    private static final String USAGE = "monitor [readings] [threads] [--sites=N] [--sensors=N] [--batch=N] "
            + "[--seed=N] [--runs=N] [--trace]";

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        Options o = Options.parse(args, USAGE, 2, "sites=", "sensors=", "batch=", "seed=", "runs=", "trace");
        int readings = o.positional(0, 2_000_000);
        int threads = o.positional(1, 2);
        int sites = o.intValue("sites", 25);
        int perSite = o.intValue("sensors", 20);
        int batch = o.intValue("batch", 20);
        long seed = o.longValue("seed", 42);
        int runs = o.intValue("runs", 3);
        boolean trace = o.flag("trace");

        long t0 = System.nanoTime();
        SensorFeed feed = SensorFeed.generate(sites, perSite, batch, readings, seed);
        long total = feed.readings();
        System.out.printf("monitor: %,d generated readings (seed %d, %.0f ms) from %,d sensors at %d sites, in %,d "
                        + "uploads of %,d; %,d spikes injected; anomaly: outside mean +- 4.5 sigma; alert at %d "
                        + "anomalies; %d threads; %d cores; best of %d runs%n", total, seed,
                (System.nanoTime() - t0) / 1e6, feed.sensors().size(), sites, feed.batches().size(),
                (long) perSite * batch, feed.spikes().size(), Monitoring.ALERT_AFTER, threads,
                Runtime.getRuntime().availableProcessors(), runs);
        System.out.println("  e.g. " + feed.batches().get(0).payload().lines().findFirst().orElse(""));

        // Warm-up on a small feed, so the timed runs measure compiled code.
        SensorFeed small = SensorFeed.generate(sites, perSite, batch, 200_000, seed + 1);
        for (int i = 0; i < 2; i++) {
            Monitoring.sequential(small);
            Monitoring.runStm(small, threads);
            Monitoring.runLocked(small, threads);
        }

        Timed<Summary> seq = BestOf.time(runs, () -> Monitoring.sequential(feed), s -> true);
        Summary expected = seq.result();
        Timed<Summary> stm = BestOf.timeStm(runs, trace, () -> Monitoring.runStm(feed, threads), expected::equals);
        Timed<Summary> lock = BestOf.time(runs, () -> Monitoring.runLocked(feed, threads), expected::equals);
        BestOf.printComparison("readings", total, threads, seq, stm, lock);

        long spikesFound = feed.spikes().stream().filter(expected.anomalies()::contains).count();
        System.out.printf("%n%,d anomalies (%,d of the %,d injected spikes, the rest from drifting sensors and "
                        + "noise) at %,d sensors; alerting: %s%n", expected.anomalies().size(), spikesFound,
                feed.spikes().size(), expected.sensors().values().stream().filter(s -> s.anomalies() > 0).count(),
                expected.alerting());
        expected.sensors().entrySet().stream().filter(e -> expected.alerting().contains(e.getKey())).limit(3)
                .forEach(MonitorDemo::printSensor);
        System.out.printf("jstm and global lock: aggregates, anomalies and alerts equal the sequential run's in "
                + "every run: %s, %s%n", stm.allCorrect() ? "yes" : "NO", lock.allCorrect() ? "yes" : "NO");
        if (!stm.allCorrect() || !lock.allCorrect() || spikesFound != feed.spikes().size()) {
            System.out.println("FAILED: a parallel run differs from the sequential one, or a spike was missed");
            System.exit(1);
        }
    }

    private static void printSensor(Map.Entry<Integer, Summary.SensorStats> e) {
        Summary.SensorStats s = e.getValue();
        System.out.printf("  sensor-%d: %,d readings, mean %.3f, min %.3f, max %.3f, %,d anomalies%n", e.getKey(),
                s.count(), s.mean(), s.min() / 1000.0, s.max() / 1000.0, s.anomalies());
    }
}
