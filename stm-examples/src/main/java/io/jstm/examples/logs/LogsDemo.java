package io.jstm.examples.logs;

import io.jstm.ConflictReport;
import io.jstm.Stm;
import io.jstm.StmStatistics;
import io.jstm.examples.common.ConflictSummary;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;

/**
 * Log/URL aggregation: a large synthetic access log, parsed in parallel by
 * chunk tasks on a jstm {@code TransactionQueue} that add per-domain request
 * and byte counts to a {@code TMap}, against the same tasks under one global
 * lock; both checked against a sequential run.
 *
 * <p>Usage: {@code logs [lines=1000000] [threads=2] [--chunk=2000] [--domains=200] [--seed=42] [--runs=3] [--trace]}
 * (times are the best of {@code runs})
 */
public final class LogsDemo {
    private LogsDemo() {}

    public static void main(String[] args) throws InterruptedException {
        Locale.setDefault(Locale.ROOT);
        int lines = 1_000_000;
        int threads = 2;
        int chunk = 2000;
        int domains = 200;
        long seed = 42;
        boolean trace = false;
        int runs = 3;
        int positional = 0;
        for (String a : args) {
            if (a.startsWith("--chunk=")) {
                chunk = Integer.parseInt(a.substring(8));
            } else if (a.startsWith("--domains=")) {
                domains = Integer.parseInt(a.substring(10));
            } else if (a.startsWith("--seed=")) {
                seed = Long.parseLong(a.substring(7));
            } else if (a.startsWith("--runs=")) {
                runs = Math.max(1, Integer.parseInt(a.substring(7)));
            } else if (a.equals("--trace")) {
                trace = true;
            } else if (a.startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + a + "; usage: logs [lines] [threads] "
                        + "[--chunk=N] [--domains=N] [--seed=N] [--runs=N] [--trace]");
            } else if (positional++ == 0) {
                lines = Integer.parseInt(a);
            } else {
                threads = Integer.parseInt(a);
            }
        }
        long t0 = System.nanoTime();
        String[] log = AccessLog.generate(lines, domains, seed);
        System.out.printf("logs: %,d generated access-log lines (%d domains, seed %d) in %.0f ms; chunks of %,d "
                        + "lines; %d threads; %d cores; best of %d runs%n", lines, domains, seed, (System.nanoTime() - t0) / 1e6,
                chunk, threads, Runtime.getRuntime().availableProcessors(), runs);
        System.out.println("  e.g. " + log[0]);

        // Warm-up on a slice, so the timed runs measure compiled code.
        String[] slice = java.util.Arrays.copyOf(log, Math.min(log.length, 100_000));
        for (int i = 0; i < 2; i++) {
            LogAggregation.sequential(slice);
            LogAggregation.runStm(slice, chunk, threads);
            LogAggregation.runLocked(slice, chunk, threads);
        }

        Totals expected = null;
        Totals stm = null;
        Totals locked = null;
        double seqMs = Double.MAX_VALUE;
        double stmMs = Double.MAX_VALUE;
        double lockMs = Double.MAX_VALUE;
        StmStatistics stats = null;
        ConflictReport conflicts = null;
        for (int run = 0; run < runs; run++) { // best of runs: the machine is shared
            t0 = System.nanoTime();
            expected = LogAggregation.sequential(log);
            seqMs = Math.min(seqMs, (System.nanoTime() - t0) / 1e6);

            Stm.setConflictTracing(trace);
            Stm.resetStatistics();
            t0 = System.nanoTime();
            stm = LogAggregation.runStm(log, chunk, threads);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (ms < stmMs) {
                stmMs = ms;
                stats = Stm.statistics();
                conflicts = Stm.conflictReport();
            }
            Stm.setConflictTracing(false);

            t0 = System.nanoTime();
            locked = LogAggregation.runLocked(log, chunk, threads);
            lockMs = Math.min(lockMs, (System.nanoTime() - t0) / 1e6);
            if (!stm.equals(expected) || !locked.equals(expected)) {
                break;
            }
        }

        System.out.printf("%n%-12s %10s %14s  %s%n", "variant", "time ms", "lines/s", "equals sequential");
        System.out.printf("%-12s %10.0f %,14.0f  %s%n", "sequential", seqMs, lines / seqMs * 1e3, "-");
        System.out.printf("%-12s %10.0f %,14.0f  %s%n", "jstm", stmMs, lines / stmMs * 1e3,
                stm.equals(expected) ? "yes" : "NO");
        System.out.printf("%-12s %10.0f %,14.0f  %s%n", "global lock", lockMs, lines / lockMs * 1e3,
                locked.equals(expected) ? "yes" : "NO");
        System.out.printf("%njstm %s the global lock's lines/s (%d threads)%n",
                ConflictSummary.ratio(lockMs, stmMs), threads);
        ConflictSummary.print(stats, conflicts);

        Totals answer = expected;
        System.out.printf("%n%,d domains, %,d bytes; status classes 1xx..5xx %s; top domains:%n",
                expected.requests().size(), expected.totalBytes(), expected.byStatusClass());
        expected.requests().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(
                Comparator.reverseOrder())).limit(5).forEach(e -> System.out.printf("  %-22s %,9d requests %,14d bytes%n",
                e.getKey(), e.getValue(), answer.bytes().get(e.getKey())));
        if (!stm.equals(expected) || !locked.equals(expected)) {
            System.out.println("FAILED: a parallel aggregation differs from the sequential one");
            System.exit(1);
        }
    }
}
