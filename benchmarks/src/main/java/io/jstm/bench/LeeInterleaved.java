package io.jstm.bench;

import io.jstm.examples.lee.Board;
import io.jstm.examples.lee.Isolated;
import io.jstm.examples.lee.Router;
import io.jstm.examples.lee.Solution;
import io.jstm.examples.lee.Validator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Lee routers measured in turn, in one JVM: a tool for the boards that route in
 * milliseconds, where {@link LeeBench}'s single shots differ from JVM to JVM
 * and from minute to minute by more than the routers differ from each other.
 *
 * <p>Each router runs in a class loader of its own ({@link Isolated}), so the
 * JIT compiles the routers' shared path finder for each apart, as in a JVM of
 * its own (in one loader the sequential router ran 2x slower once jstm's had
 * run). Each round routes the board once with every router, in an order that
 * rotates from round to round (so that no router always runs first or right
 * after the same one), on a fresh grid built untimed before each routing.
 * Every routing is validated ({@link Validator}); a wrong board stops the run.
 * The time of a routing is the router's own ({@link Solution#nanos()}: workers
 * started to workers joined). The first {@code warmup} rounds are not counted.
 *
 * <p>Printed per router: the median and quartiles of its times; per pair with
 * the first router: the geometric mean of the per-round ratios and in how many
 * rounds the first was faster. Rounds pair routings taken within milliseconds
 * of each other, so machine noise that lasts longer than a round cancels out.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.jstm.bench.LeeInterleaved \
 *     sparseshort_mini 2 400 jstm,scalastm,scalastmTArray
 * </pre>
 * Arguments: board (a name from {@code ../shared/lee-boards} or a path), worker
 * threads, measured rounds, routers ({@link LeeBench}'s {@code impl} names,
 * the first is the one the others are compared with; {@code impl@N} runs one
 * with N threads instead, so {@code jstm@1,jstm@2} compares thread counts), and optionally the
 * warm-up rounds (default: a tenth of the measured ones, at least 20).
 */
public final class LeeInterleaved {
    private LeeInterleaved() {}

    /** The measured times, in nanoseconds: {@code times[router][round]}. */
    static long[][] measure(String board, int threads, List<String> impls, int warmup, int rounds) {
        if (rounds < 1 || warmup < 0) {
            throw new IllegalArgumentException("rounds must be at least 1 and warm-up rounds at least 0 (got "
                    + rounds + " and " + warmup + ")");
        }
        List<Isolated> lanes = new ArrayList<>();
        int[] laneThreads = new int[impls.size()];
        String[] laneImpls = new String[impls.size()];
        for (int i = 0; i < impls.size(); i++) {
            String entry = impls.get(i);
            int at = entry.indexOf('@');
            laneImpls[i] = at < 0 ? entry : entry.substring(0, at);
            laneThreads[i] = at < 0 ? threads : parseThreads(entry.substring(at + 1), entry);
            if (LeeBench.SEQUENTIAL.equals(laneImpls[i]) && laneThreads[i] != 1) {
                throw new IllegalArgumentException("'sequential' runs at 1 thread only; drop it or use 1 thread");
            }
            LeeBench.router(laneImpls[i]); // unknown names fail here, before any routing
            lanes.add(Isolated.newLoader());
        }
        int k = lanes.size();
        long[][] times = new long[k][rounds];
        for (int round = 0; round < warmup + rounds; round++) {
            for (int j = 0; j < k; j++) {
                int r = (j + round) % k;
                long nanos = (long) lanes.get(r).call(Lane.class, "route",
                        new Class<?>[] {String.class, String.class, int.class}, board, laneImpls[r], laneThreads[r]);
                if (round >= warmup) {
                    times[r][round - warmup] = nanos;
                }
            }
        }
        return times;
    }

    private static int parseThreads(String s, String entry) {
        int n;
        try {
            n = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw new IllegalArgumentException("router " + entry + ": the number after '@' is the worker threads, "
                    + "at least 1 (e.g. jstm@2)");
        }
        return n;
    }

    /**
     * One router in its own class loader ({@link Isolated}): the routers share
     * the path finder's code, and in one loader the JIT would compile it for all
     * of them at once, as it never would in a JVM running one router. Called by
     * reflection, with and returning {@code java.*} values only.
     */
    public static final class Lane {
        private static Board board;
        private static String boardName;
        private static Router router;
        private static String impl;

        private Lane() {}

        /** Routes {@code boardSpec} once with {@code implName} on a fresh grid, validates it, returns its nanoseconds. */
        public static long route(String boardSpec, String implName, int threads) {
            if (!boardSpec.equals(boardName)) {
                board = Board.load(boardSpec);
                boardName = boardSpec;
            }
            if (!implName.equals(impl)) {
                router = LeeBench.router(implName);
                impl = implName;
            }
            Router.Routing routing = router.prepare(board, threads);
            routing.run();
            Solution s = routing.solution();
            Validator.validate(s);
            return s.nanos();
        }
    }

    /** The {@code q}-quantile (0..1) of {@code sorted}, by the nearest-rank rule. */
    static long quantile(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Geometric mean of {@code a[i] / b[i]}. */
    static double geomeanRatio(long[] a, long[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.log((double) a[i] / b[i]);
        }
        return Math.exp(sum / a.length);
    }

    /** Rounds in which {@code a} took less time than {@code b}. */
    static int faster(long[] a, long[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] < b[i]) {
                n++;
            }
        }
        return n;
    }

    /** The report {@link #main} prints. */
    static String report(String board, int threads, List<String> impls, long[][] times) {
        StringBuilder out = new StringBuilder();
        int rounds = times[0].length;
        out.append(String.format(Locale.ROOT, "%s, %d thread(s), %d rounds%n", board, threads, rounds));
        out.append(String.format(Locale.ROOT, "%-16s %10s %10s %10s%n", "router", "median ms", "q1 ms", "q3 ms"));
        for (int r = 0; r < impls.size(); r++) {
            long[] sorted = times[r].clone();
            Arrays.sort(sorted);
            out.append(String.format(Locale.ROOT, "%-16s %10.3f %10.3f %10.3f%n", impls.get(r),
                    quantile(sorted, 0.5) / 1e6, quantile(sorted, 0.25) / 1e6, quantile(sorted, 0.75) / 1e6));
        }
        for (int r = 1; r < impls.size(); r++) {
            out.append(String.format(Locale.ROOT, "%s / %s: geometric mean of the round ratios %.3f, %s faster in %d of %d"
                    + " rounds%n", impls.get(0), impls.get(r), geomeanRatio(times[0], times[r]), impls.get(0),
                    faster(times[0], times[r]), rounds));
        }
        return out.toString();
    }

    public static void main(String[] args) {
        if (args.length < 4 || args.length > 5) {
            throw new IllegalArgumentException(
                    "usage: LeeInterleaved BOARD THREADS ROUNDS IMPL,IMPL,... [WARMUP_ROUNDS]"
                            + " (e.g. sparseshort_mini 2 400 jstm,scalastm,scalastmTArray)");
        }
        int threads = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        List<String> impls = List.of(args[3].split(","));
        int warmup = args.length == 5 ? Integer.parseInt(args[4]) : Math.max(20, rounds / 10);
        long[][] times = measure(args[0], threads, impls, warmup, rounds);
        System.out.print(report(args[0], threads, impls, times));
    }
}
