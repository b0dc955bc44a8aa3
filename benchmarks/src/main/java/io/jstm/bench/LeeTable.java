package io.jstm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns {@link LeeBench}'s JMH JSON into the markdown figures table: one row
 * per board and thread count, the time per board of every implementation, the
 * STMs' aborts per board, and jstm's time over the sequential floor's and over
 * ScalaSTM's (below 1.00 jstm is faster).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.jstm.bench.LeeTable \
 *     benchmarks/target/lee.json [benchmarks/target/lee.md]</pre>
 *
 * <p>Aborts per board are the mean over the measured iterations of the
 * {@code aborts} counter; JMH's own table shows their sum, since it adds up
 * {@code EVENTS} counters over iterations.
 */
public final class LeeTable {
    /** Boards in the order of {@link LeeBench}'s parameter (smallest first); others follow. */
    private static final List<String> BOARDS = List.of("minimal", "testBoard", "sparselong_mini", "sparseshort_mini",
            "sparselong", "sparseshort", "mainboard", "memboard");
    private static final List<String> IMPLS = List.of(LeeBench.SEQUENTIAL, Impls.GLOBAL_LOCK, Impls.JSTM,
            LeeBench.JSTM_REFS, Impls.SCALA_STM, LeeBench.SCALA_STM_TARRAY, Impls.MULTIVERSE);
    private static final List<String> STMS = List.of(Impls.JSTM, LeeBench.JSTM_REFS, Impls.SCALA_STM,
            LeeBench.SCALA_STM_TARRAY, Impls.MULTIVERSE);

    private LeeTable() {}

    /** One trial: milliseconds per board (score and 99.9% error) and aborts per board. */
    record Trial(String board, String impl, int threads, double millis, double error, double aborts) {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: LeeTable LEE.json [OUT.md]");
            System.exit(2);
        }
        String table = table(read(Path.of(args[0])));
        System.out.print(table);
        if (args.length > 1) {
            Files.writeString(Path.of(args[1]), table);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Trial> read(Path file) throws IOException {
        List<Trial> trials = new ArrayList<>();
        for (Object o : (List<Object>) Json.parse(Files.readString(file))) {
            Map<String, Object> run = (Map<String, Object>) o;
            if (!String.valueOf(run.get("benchmark")).endsWith(".LeeBench.route")) {
                continue;
            }
            Map<String, Object> params = (Map<String, Object>) run.get("params");
            Map<String, Object> primary = (Map<String, Object>) run.get("primaryMetric");
            if (!"ms/op".equals(primary.get("scoreUnit"))) {
                throw new IllegalArgumentException(file + ": LeeBench scores must be in ms/op, not "
                        + primary.get("scoreUnit") + " (run it without -tu)");
            }
            Map<String, Object> secondary = (Map<String, Object>) run.getOrDefault("secondaryMetrics", Map.of());
            Map<String, Object> aborts = (Map<String, Object>) secondary.get("aborts");
            trials.add(new Trial((String) params.get("board"), (String) params.get("impl"),
                    Integer.parseInt(String.valueOf(params.get("threads"))), number(primary.get("score")),
                    number(primary.get("scoreError")), aborts == null ? Double.NaN : meanOfRawData(aborts)));
        }
        return trials;
    }

    @SuppressWarnings("unchecked")
    private static double meanOfRawData(Map<String, Object> metric) {
        double sum = 0;
        int n = 0;
        for (Object fork : (List<Object>) metric.get("rawData")) {
            for (Object v : (List<Object>) fork) {
                sum += number(v);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN; // JMH writes "NaN" as a string
    }

    static String table(List<Trial> trials) {
        // board -> threads -> impl -> trial
        Map<String, Map<Integer, Map<String, Trial>>> rows = new TreeMap<>((a, b) -> {
            int c = Integer.compare(rank(BOARDS, a), rank(BOARDS, b));
            return c != 0 ? c : a.compareTo(b);
        });
        List<String> impls = new ArrayList<>();
        for (Trial t : trials) {
            rows.computeIfAbsent(t.board(), k -> new TreeMap<>()).computeIfAbsent(t.threads(),
                    k -> new LinkedHashMap<>()).put(t.impl(), t);
            if (!impls.contains(t.impl())) {
                impls.add(t.impl());
            }
        }
        impls.sort((a, b) -> {
            int c = Integer.compare(rank(IMPLS, a), rank(IMPLS, b));
            return c != 0 ? c : a.compareTo(b);
        });
        List<String> stms = impls.stream().filter(STMS::contains).toList();

        StringBuilder sb = new StringBuilder();
        sb.append("| board | threads |");
        impls.forEach(i -> sb.append(' ').append(i).append(" ms |"));
        stms.forEach(i -> sb.append(' ').append(i).append(" aborts |"));
        sb.append(" jstm / sequential | jstm / fastest peer STM |\n| --- | ---: |");
        sb.append(" ---: |".repeat(impls.size() + stms.size() + 2)).append('\n');
        rows.forEach((board, byThreads) -> byThreads.forEach((threads, row) -> {
            sb.append("| ").append(board).append(" | ").append(threads).append(" |");
            for (String impl : impls) {
                Trial t = row.get(impl);
                sb.append(' ').append(t == null ? "-" : Chart.fmt(t.millis()) + " ± " + Chart.fmt(t.error()))
                        .append(" |");
            }
            for (String impl : stms) {
                Trial t = row.get(impl);
                sb.append(' ').append(t == null ? "-" : Chart.fmt(t.aborts())).append(" |");
            }
            Map<String, Trial> oneThread = byThreads.getOrDefault(1, Map.of());
            sb.append(' ').append(ratio(row.get(Impls.JSTM), oneThread.get(LeeBench.SEQUENTIAL))).append(" |");
            Trial peer = fastestPeer(row);
            sb.append(' ').append(ratio(row.get(Impls.JSTM), peer))
                    .append(peer == null ? "" : " (" + peer.impl() + ")").append(" |\n");
        }));
        sb.append("\nms: milliseconds to route the whole board (single shot), mean ± 99.9% interval over the"
                + " measured iterations. Aborts: route blocks re-run after an abort, per board (mean). Ratios:"
                + " jstm's time over the other's (sequential: the 1-thread floor; the fastest peer: the quickest"
                + " of the other STMs' rows, ScalaSTM with refs or with TArray, Multiverse); below 1.00 jstm is"
                + " faster.\n");
        return sb.toString();
    }

    /** The quickest trial in {@code row} of an STM other than jstm's own two variants, or null. */
    private static Trial fastestPeer(Map<String, Trial> row) {
        Trial best = null;
        for (Trial t : row.values()) {
            if (STMS.contains(t.impl()) && !t.impl().startsWith(Impls.JSTM)
                    && (best == null || t.millis() < best.millis())) {
                best = t;
            }
        }
        return best;
    }

    private static String ratio(Trial jstm, Trial other) {
        return jstm == null || other == null ? "-" : Chart.fmt(jstm.millis() / other.millis()) + "x";
    }

    private static int rank(List<String> order, String name) {
        int i = order.indexOf(name);
        return i < 0 ? order.size() : i;
    }
}
