package io.jstm.examples.common;

import io.jstm.ConflictReport;
import io.jstm.Stm;
import io.jstm.StmStatistics;

import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Times a run several times and keeps the fastest (the machine is shared, so
 * the fastest run is the least disturbed one), checking every run's answer;
 * for jstm runs, also that run's {@link Stm#statistics()} and
 * {@link Stm#conflictReport()}. Prints the demos' comparison.
 */
public final class BestOf {
    private BestOf() {}

    /**
     * The fastest of some runs.
     *
     * @param result     what the fastest run computed
     * @param nanos      its wall-clock time
     * @param allCorrect whether every run's result passed the check
     * @param stats      for a jstm run, its counters; null otherwise
     * @param conflicts  for a jstm run, its conflict report; null otherwise
     */
    public record Timed<T>(T result, long nanos, boolean allCorrect, StmStatistics stats, ConflictReport conflicts) {
        public double millis() {
            return nanos / 1e6;
        }

        /** {@code units} per second of this run. */
        public double rate(long units) {
            return units * 1e9 / nanos;
        }

        /** One row of the table: variant, time, rate, whether correct. */
        public void print(String variant, long units) {
            System.out.printf(Locale.ROOT, "%-12s %10.0f %,16.0f  %s%n", variant, millis(), rate(units),
                    allCorrect ? "yes" : "NO");
        }
    }

    /**
     * The demos' report: a table of the three variants (time, {@code units} per
     * second, whether every run was right), jstm's rate against the global
     * lock's, and jstm's counters and top conflict sites ({@link ConflictSummary}).
     *
     * @param unit what the rates count ("requests", "pixels")
     */
    public static void printComparison(String unit, long units, int threads, Timed<?> sequential, Timed<?> stm,
                                       Timed<?> lock) {
        System.out.printf(Locale.ROOT, "%n%-12s %10s %16s  %s%n", "variant", "time ms", unit + "/s", "correct");
        sequential.print("sequential", units);
        stm.print("jstm", units);
        lock.print("global lock", units);
        System.out.printf(Locale.ROOT, "%njstm %s the global lock's %s/s (%d threads)%n",
                ConflictSummary.ratio(stm.rate(units), lock.rate(units)), unit, threads);
        ConflictSummary.print(stm.stats(), stm.conflicts());
    }

    /** Runs {@code run} {@code runs} times (at least once) and keeps the fastest. */
    public static <T> Timed<T> time(int runs, Supplier<T> run, Predicate<? super T> correct) {
        return best(runs, false, false, () -> null, s -> run.get(), correct);
    }

    /** Like {@link #time(int, Supplier, Predicate)}, timing only {@code run}, on what an untimed {@code setup} made. */
    public static <S, T> Timed<T> time(int runs, Supplier<S> setup, Function<S, T> run,
                                       Predicate<? super T> correct) {
        return best(runs, false, false, setup, run, correct);
    }

    /**
     * Like {@link #time(int, Supplier, Function, Predicate)}, for a jstm run:
     * statistics are reset before each run (after its setup) and conflict
     * tracing is on during it if {@code trace} (off afterwards).
     */
    public static <S, T> Timed<T> timeStm(int runs, boolean trace, Supplier<S> setup, Function<S, T> run,
                                          Predicate<? super T> correct) {
        return best(runs, true, trace, setup, run, correct);
    }

    /** {@link #timeStm(int, boolean, Supplier, Function, Predicate)} without a setup. */
    public static <T> Timed<T> timeStm(int runs, boolean trace, Supplier<T> run, Predicate<? super T> correct) {
        return best(runs, true, trace, () -> null, s -> run.get(), correct);
    }

    private static <S, T> Timed<T> best(int runs, boolean stm, boolean trace, Supplier<S> setup, Function<S, T> run,
                                        Predicate<? super T> correct) {
        Timed<T> best = null;
        boolean allCorrect = true;
        for (int i = 0; i < Math.max(1, runs); i++) {
            S input = setup.get();
            if (stm) {
                Stm.setConflictTracing(trace);
                Stm.resetStatistics();
            }
            long t0 = System.nanoTime();
            T result;
            try {
                result = run.apply(input);
            } finally {
                if (stm) {
                    Stm.setConflictTracing(false);
                }
            }
            long nanos = System.nanoTime() - t0;
            // Counters first: the check may run transactions of its own.
            StmStatistics stats = stm ? Stm.statistics() : null;
            ConflictReport conflicts = stm ? Stm.conflictReport() : null;
            allCorrect &= correct.test(result);
            if (best == null || nanos < best.nanos()) {
                best = new Timed<>(result, nanos, allCorrect, stats, conflicts);
            }
        }
        return new Timed<>(best.result(), best.nanos(), allCorrect, best.stats(), best.conflicts());
    }
}
