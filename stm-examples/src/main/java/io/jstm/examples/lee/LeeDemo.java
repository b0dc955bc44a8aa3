package io.jstm.examples.lee;

import io.jstm.ConflictReport;
import io.jstm.Stm;
import io.jstm.StmStatistics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lee-TM circuit routing, the standard STM macro-benchmark: lays every route of
 * a board with the sequential floor, one global lock, and jstm (one transaction
 * per route), at 1 to N threads; validates every run (a wrong board fails the
 * demo instead of posting a time); prints times, routes laid, stuck routes and
 * jstm's commits, aborts and wasted time; and draws the routed board as a PNG.
 * The sequential and lock routers run in a class loader of their own
 * ({@link Isolated}), so that the JIT compiles their path finder as it would in
 * a JVM without jstm's router, and "vs seq" compares times as separate JVMs would.
 *
 * <p>Usage: {@code lee [board=mainboard] [threads=2] [--trace] [--runs=N]
 * [--png=FILE | --no-png] [--warmup=ROUNDS]}
 * <ul>
 *   <li>{@code board}: a bundled board name ({@link Board#BUNDLED}) or a file path;</li>
 *   <li>{@code threads}: the concurrent routers run at 1 .. threads;</li>
 *   <li>{@code --trace}: conflict tracing on for the multi-threaded jstm runs, and
 *       the top five conflicts printed, then all conflicts grouped by code-site pair.
 *       Slow: tracing walks the stack for every ref a transaction touches, and a
 *       route on a 600 x 600 board touches up to 340,000 (minutes on mainboard;
 *       seconds on testBoard);</li>
 *   <li>{@code --runs=N}: time each configuration N times and keep the fastest (default 1);</li>
 *   <li>{@code --png=FILE}: where to draw the last jstm run (default {@code lee-<board>.png});</li>
 *   <li>{@code --warmup=R}: rounds of JIT warm-up on the small boards first (default 2).</li>
 * </ul>
 */
public final class LeeDemo {
    private LeeDemo() {}

    /** One timed, validated run. {@code stats} and {@code conflicts} are null for the non-STM routers. */
    public record Run(Solution solution, StmStatistics stats, ConflictReport conflicts) {}

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        System.setProperty("java.awt.headless", "true");
        String boardName = "mainboard";
        int threads = 2;
        boolean trace = false;
        int runs = 1;
        int warmup = 2;
        String png = null;
        boolean drawPng = true;
        int positional = 0;
        for (String a : args) {
            if (a.equals("--trace")) {
                trace = true;
            } else if (a.startsWith("--runs=")) {
                runs = Math.max(1, Integer.parseInt(a.substring("--runs=".length())));
            } else if (a.startsWith("--warmup=")) {
                warmup = Math.max(0, Integer.parseInt(a.substring("--warmup=".length())));
            } else if (a.startsWith("--png=")) {
                png = a.substring("--png=".length());
            } else if (a.equals("--no-png")) {
                drawPng = false;
            } else if (a.startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + a + "; usage: lee [board] [threads] [--trace] "
                        + "[--runs=N] [--png=FILE | --no-png] [--warmup=ROUNDS]");
            } else if (positional++ == 0) {
                boardName = a;
            } else {
                threads = Integer.parseInt(a);
            }
        }
        Board board = Board.load(boardName);
        System.out.printf("jstm Lee-TM router: %s; threads 1..%d; %d cores; best of %d run(s)%n%n", board, threads,
                Runtime.getRuntime().availableProcessors(), runs);
        // The sequential and lock routers run in a class loader of their own: sharing the
        // path finder's compiled code with jstm's router slows them down by up to 2x (see Isolated).
        Isolated baselines = Isolated.newLoader();
        warmUp(baselines, warmup, threads);

        System.out.printf("%-12s %7s %10s %10s %7s %6s %9s %9s %10s %9s%n", "router", "threads", "time ms", "cpu ms",
                "laid", "stuck", "commits", "aborts", "wasted ms", "vs seq");
        Object[] seq = Baseline.best(baselines, boardName, "sequential", 1, runs);
        Row seqRow = Baseline.row(seq);
        long seqNanos = seqRow.nanos();
        print(seqRow, seqNanos);
        for (int t = 1; t <= threads; t++) {
            print(Baseline.row(Baseline.best(baselines, boardName, "globalLock", t, runs)), seqNanos);
        }
        List<Run> stm = new ArrayList<>();
        for (int t = 1; t <= threads; t++) {
            // Conflicts need two threads; tracing a 1-thread run would only make it slow.
            Run r = best(new Jstm(), board, t, runs, trace && t > 1);
            stm.add(r);
            print(Row.of(r), seqNanos);
        }
        System.out.printf("%n(time: wall clock; cpu: the routing threads' CPU time, summed, steadier on a busy machine)%n");
        System.out.printf("every run validated: each laid route is a connected 4-neighbour path between its pads, "
                + "and each cell's depth equals the paths through it.%n");

        if (seqRow.stuck() != 0) {
            System.out.printf("stuck routes (sequential): %d, e.g. %s%n", seqRow.stuck(),
                    Baseline.stuckSample(seq));
        }
        for (Run r : stm) {
            if (r.stats() != null) {
                System.out.printf("jstm x%d: %s%n", r.solution().threads(), r.stats());
            }
        }
        if (trace) {
            for (Run r : stm.subList(1, stm.size())) {
                printConflicts(r);
            }
        }
        Run stm1 = stm.get(0);
        Run stmN = stm.get(stm.size() - 1);
        System.out.printf("%njstm x1 / sequential: %.2fx the time (target: at most 2x on mainboard)%n",
                stm1.solution().nanos() / (double) seqNanos);
        if (threads > 1) {
            System.out.printf("jstm x%d vs jstm x1: %.2fx speed-up (target: above 1x on mainboard and sparseshort)%s%n",
                    threads, stm1.solution().nanos() / (double) stmN.solution().nanos(),
                    trace ? "; not comparable: only the multi-threaded runs were traced" : "");
        }
        if (drawPng) {
            Path file = Path.of(png != null ? png : "lee-" + board.name() + ".png");
            RoutePicture.write(stmN.solution(), file);
            System.out.printf("picture of the jstm x%d board: %s%n", threads, file.toAbsolutePath().normalize());
        }
    }

    /**
     * Routes {@code board} {@code runs} times and returns the fastest run; validates
     * every one ({@link Validator.InvalidSolutionException} on a wrong board).
     */
    public static Run best(Router router, Board board, int threads, int runs, boolean trace) {
        Run best = null;
        for (int i = 0; i < runs; i++) {
            Run r = run(router, board, threads, trace);
            if (best == null || r.solution().nanos() < best.solution().nanos()) {
                best = r;
            }
        }
        return best;
    }

    /** One validated run; for jstm, with the statistics and conflict report of just this run. */
    public static Run run(Router router, Board board, int threads, boolean trace) {
        boolean stm = router instanceof Jstm;
        boolean wasTracing = Stm.conflictTracing();
        if (stm) {
            Stm.setConflictTracing(trace || wasTracing);
            Stm.resetStatistics();
        }
        Solution s;
        try {
            s = router.route(board, threads);
        } finally {
            if (stm) {
                Stm.setConflictTracing(wasTracing);
            }
        }
        Validator.validate(s);
        return stm ? new Run(s, Stm.statistics(), Stm.conflictReport()) : new Run(s, null, null);
    }

    /** Warms up jstm's router here and the baselines in their own loader, on the small boards. */
    private static void warmUp(Isolated baselines, int rounds, int threads) {
        if (rounds == 0) {
            return;
        }
        long start = System.nanoTime();
        for (String b : WARMUP_BOARDS) {
            Board board = Board.load(b);
            for (int i = 0; i < rounds; i++) {
                for (int t = 1; t <= threads; t++) {
                    run(new Jstm(), board, t, false);
                }
            }
        }
        baselines.call(Baseline.class, "warmUp", new Class<?>[] {int.class, int.class}, rounds, threads);
        System.out.printf("(JIT warm-up: %d rounds on testBoard and sparseshort_mini, %.0f ms)%n%n", rounds,
                (System.nanoTime() - start) / 1e6);
    }

    private static final List<String> WARMUP_BOARDS = List.of("testBoard", "sparseshort_mini");

    /** One line of the table: a router's best run. {@code stats} is null for the non-STM routers. */
    record Row(String router, int threads, long nanos, long cpuNanos, int laid, int stuck, StmStatistics stats) {
        static Row of(Run r) {
            Solution s = r.solution();
            return new Row(s.router(), s.threads(), s.nanos(), s.cpuNanos(), s.laid(), s.stuck().size(), r.stats());
        }
    }

    /**
     * The sequential and lock routers, run by {@link #main} in a loader of their
     * own ({@link Isolated}): only {@code java.*} values cross, so a run comes
     * back as {@code Object[] {long[] {nanos, cpuNanos, laid, stuck, threads},
     * router name, stuck routes sample}}.
     */
    public static final class Baseline {
        private Baseline() {}

        /** The small boards routed {@code rounds} times by each baseline router (in the calling loader). */
        public static void warmUp(int rounds, int threads) {
            for (String b : WARMUP_BOARDS) {
                Board board = Board.load(b);
                for (int i = 0; i < rounds; i++) {
                    run(new Sequential(), board, 1, false);
                    for (int t = 1; t <= threads; t++) {
                        run(new GlobalLock(), board, t, false);
                    }
                }
            }
        }

        /** The best of {@code runs} validated runs of {@code router} ("sequential" or "globalLock"), as described above. */
        public static Object[] best(String board, String router, int threads, int runs) {
            Router r = switch (router) {
                case "sequential" -> new Sequential();
                case "globalLock" -> new GlobalLock();
                default -> throw new IllegalArgumentException("baseline router " + router
                        + ": use sequential or globalLock");
            };
            Solution s = LeeDemo.best(r, Board.load(board), threads, runs, false).solution();
            List<Board.Route> stuck = s.stuck();
            return new Object[] {new long[] {s.nanos(), s.cpuNanos(), s.laid(), stuck.size(), s.threads()}, s.router(),
                    stuck.subList(0, Math.min(5, stuck.size())).toString()};
        }

        /** {@link #best} run in {@code loader}. */
        static Object[] best(Isolated loader, String board, String router, int threads, int runs) {
            return (Object[]) loader.call(Baseline.class, "best",
                    new Class<?>[] {String.class, String.class, int.class, int.class}, board, router, threads, runs);
        }

        static Row row(Object[] result) {
            long[] v = (long[]) result[0];
            return new Row((String) result[1], (int) v[4], v[0], v[1], (int) v[2], (int) v[3], null);
        }

        static String stuckSample(Object[] result) {
            return (String) result[2];
        }
    }

    private static void print(Row r, long seqNanos) {
        StmStatistics st = r.stats();
        System.out.printf("%-12s %7d %10.1f %10s %7d %6d %9s %9s %10s %8.2fx%n", r.router(), r.threads(),
                r.nanos() / 1e6, r.cpuNanos() < 0 ? "-" : String.format("%.1f", r.cpuNanos() / 1e6), r.laid(),
                r.stuck(), st == null ? "-" : String.format("%,d", st.commits()),
                st == null ? "-" : String.format("%,d", st.conflictAborts()),
                st == null ? "-" : String.format("%.1f", st.wastedNanos() / 1e6), r.nanos() / (double) seqNanos);
    }

    private static void printConflicts(Run r) {
        ConflictReport report = r.conflicts();
        System.out.printf("%njstm x%d: top conflict sites (%d aborts, %.1f ms wasted)%n", r.solution().threads(),
                report.totalAborts(), report.totalWastedNanos() / 1e6);
        if (report.entries().isEmpty()) {
            System.out.println("  no conflicts");
            return;
        }
        int rank = 1;
        for (ConflictReport.Entry e : report.top(5)) {
            System.out.printf("  %d. %s: %s, %d aborts, %.1f ms wasted%n     this side: %s%n     winner:    %s%s%n",
                    rank++, e.refName(), e.reason(), e.aborts(), e.wastedNanos() / 1e6, e.accessLocation(),
                    e.otherLocation(), e.otherThreadName() == null ? "" : " (" + e.otherThreadName() + ")");
        }
        // On a grid every abort names a different cell; the code sites are what repeats.
        Map<String, long[]> bySites = new LinkedHashMap<>();
        for (ConflictReport.Entry e : report.entries()) {
            long[] sum = bySites.computeIfAbsent(e.reason() + " at " + e.accessLocation() + " <- winner at "
                    + e.otherLocation(), k -> new long[3]);
            sum[0] += e.aborts();
            sum[1] += e.wastedNanos();
            sum[2]++;
        }
        System.out.println("  grouped by code sites (this side <- winner):");
        bySites.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .limit(5)
                .forEach(en -> System.out.printf("     %d aborts on %d cells, %.1f ms wasted: %s%n", en.getValue()[0],
                        en.getValue()[2], en.getValue()[1] / 1e6, en.getKey()));
    }
}
