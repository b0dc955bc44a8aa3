package io.jstm.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * Turns a JMH JSON result file into a markdown table (printed, and written to
 * a file if asked) and a PNG bar chart, drawn with java.awt in headless mode.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.jstm.bench.Chart \
 *     benchmarks/target/results.json benchmarks/results.png [benchmarks/target/results.md]</pre>
 *
 * <p>The chart has one panel per workload and thread count, one bar per
 * implementation, all as throughput (million operations per second, all
 * threads together; an average time per operation t at n threads is shown as
 * n / t), on a log scale so that the floor and the slowest peer fit together.
 */
public final class Chart {
    /** Workloads in reading order, with the sentence the table opens with. */
    private static final Map<String, String> WORKLOADS = new LinkedHashMap<>();
    /** Implementations in reading order: jstm first, then STM peers, then the locks. */
    private static final List<String> IMPLS = List.of(
            "jstm", "jstmCommute", "scalastm", "multiverse", "multiverseCommute", "clojure", "clojureCommute",
            "globalLock", "fineLocks", "rwLock", "plain", "atomics");

    static {
        WORKLOADS.put("SmallTxn", "Small transaction: read 8 refs, write 2 (each thread its own refs); time per"
                + " transaction and bytes allocated per transaction (-prof gc).");
        WORKLOADS.put("Bank", "Bank: 1024 accounts, 90% transfers, 10% read-only sums of 64 accounts.");
        WORKLOADS.put("HotCounter", "One hot counter: every operation increments the same counter.");
        WORKLOADS.put("IntSet", "Sorted linked-list int set, keys 0..255, 90% lookups, 10% updates.");
        WORKLOADS.put("RbTree", "Red-black tree set, keys 0..65535 (32768 present), 90% lookups, 10% updates.");
    }

    private Chart() {}

    record Metric(double score, double error, String unit) {}

    record Result(String workload, int threads, String impl, String mode, Metric primary,
                  Map<String, Metric> secondary) {
        /** Throughput in operations per microsecond (= million per second), all threads together. */
        double throughput() {
            String unit = primary.unit();
            int slash = unit.indexOf('/');
            if (slash < 0) {
                return Double.NaN;
            }
            String top = unit.substring(0, slash);
            String bottom = unit.substring(slash + 1);
            if (top.equals("ops")) {
                return primary.score() / micros(bottom); // JMH sums throughput over threads
            }
            if (bottom.equals("op")) {
                return threads / (primary.score() * micros(top)); // average time is per thread
            }
            return Double.NaN;
        }

        private static double micros(String timeUnit) {
            return switch (timeUnit) {
                case "s" -> 1e6;
                case "ms" -> 1e3;
                case "us" -> 1;
                case "ns" -> 1e-3;
                default -> Double.NaN;
            };
        }

        /** Re-executions per operation, from the aux counter of that name (NaN when absent). */
        double perOp(String counter) {
            Metric m = secondary.get(counter);
            if (m == null || !primary.unit().equals(m.unit())) {
                return Double.NaN;
            }
            return m.score() / primary.score();
        }

        double bytesPerOp() {
            Metric m = secondary.get("gc.alloc.rate.norm");
            return m == null ? Double.NaN : m.score();
        }
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (args.length < 2) {
            System.err.println("usage: Chart RESULTS.json OUT.png [OUT.md]");
            System.exit(2);
        }
        List<Result> results = read(Path.of(args[0]));
        if (results.isEmpty()) {
            throw new IllegalArgumentException(args[0] + " holds no benchmark results");
        }
        String table = table(results);
        System.out.print(table);
        if (args.length > 2) {
            Files.writeString(Path.of(args[2]), table);
        }
        draw(results, Path.of(args[1]));
        System.out.println("Chart written to " + args[1]);
    }

    @SuppressWarnings("unchecked")
    static List<Result> read(Path file) throws IOException {
        List<Result> results = new ArrayList<>();
        for (Object o : (List<Object>) Json.parse(Files.readString(file))) {
            Map<String, Object> run = (Map<String, Object>) o;
            String benchmark = (String) run.get("benchmark");
            String[] parts = benchmark.split("\\.");
            String cls = parts[parts.length - 2];
            String workload = cls.endsWith("Bench") ? cls.substring(0, cls.length() - 5) : cls;
            Map<String, Object> params = (Map<String, Object>) run.getOrDefault("params", Map.of());
            if (!params.isEmpty() && !params.containsKey("impl")) {
                // Not a jstm-versus-peers workload (TMapBench compares maps through its own
                // parameter): no jstm row to take ratios to; benchmarks/README.md tabulates it.
                continue;
            }
            String impl = String.valueOf(params.getOrDefault("impl", parts[parts.length - 1]));
            Map<String, Metric> secondary = new LinkedHashMap<>();
            Map<String, Object> sec = (Map<String, Object>) run.getOrDefault("secondaryMetrics", Map.of());
            for (Map.Entry<String, Object> e : sec.entrySet()) {
                secondary.put(e.getKey(), metric((Map<String, Object>) e.getValue()));
            }
            results.add(new Result(workload, ((Number) run.get("threads")).intValue(), impl,
                    (String) run.get("mode"), metric((Map<String, Object>) run.get("primaryMetric")), secondary));
        }
        results.sort(Comparator.comparing((Result r) -> order(new ArrayList<>(WORKLOADS.keySet()), r.workload()))
                .thenComparing(Result::workload)
                .thenComparingInt(Result::threads)
                .thenComparing(r -> order(IMPLS, r.impl()))
                .thenComparing(Result::impl));
        return results;
    }

    private static Metric metric(Map<String, Object> m) {
        return new Metric(number(m.get("score")), number(m.get("scoreError")), (String) m.get("scoreUnit"));
    }

    private static double number(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        return Double.NaN; // JMH writes "NaN" as a string
    }

    private static int order(List<String> list, String name) {
        int i = list.indexOf(name);
        return i < 0 ? list.size() : i;
    }

    private static Map<String, Map<Integer, Map<String, Result>>> byWorkload(List<Result> results) {
        Map<String, Map<Integer, Map<String, Result>>> map = new LinkedHashMap<>();
        for (Result r : results) {
            map.computeIfAbsent(r.workload(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.threads(), k -> new LinkedHashMap<>())
                    .put(r.impl(), r);
        }
        return map;
    }

    /** How many times faster jstm is than r (its time per operation over jstm's); NaN without a jstm row. */
    private static double jstmSpeedup(Result r, Map<String, Result> sameRun) {
        Result jstm = sameRun.get("jstm");
        if (jstm == null) {
            return Double.NaN;
        }
        return jstm.throughput() / r.throughput();
    }

    static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        Map<String, Map<Integer, Map<String, Result>>> all = byWorkload(results);

        // Overview: one row per workload and thread count, one column per implementation.
        TreeSet<String> implSet = new TreeSet<>(Comparator.comparingInt((String s) -> order(IMPLS, s))
                .thenComparing(s -> s));
        results.forEach(r -> implSet.add(r.impl()));
        sb.append("### Overview: jstm speed-up over each implementation\n\n");
        sb.append("Each cell is the implementation's time per operation divided by jstm's in the same"
                + " workload and thread count: above 1.00 jstm is faster, below 1.00 it is slower.\n\n");
        sb.append("| workload | threads |");
        implSet.forEach(i -> sb.append(' ').append(i).append(" |"));
        sb.append("\n| --- | ---: |");
        implSet.forEach(i -> sb.append(" ---: |"));
        sb.append('\n');
        all.forEach((workload, byThreads) -> byThreads.forEach((threads, row) -> {
            sb.append("| ").append(workload).append(" | ").append(threads).append(" |");
            for (String impl : implSet) {
                Result r = row.get(impl);
                sb.append(' ').append(r == null ? "-" : fmt(jstmSpeedup(r, row)) + "x").append(" |");
            }
            sb.append('\n');
        }));

        // Details per workload.
        all.forEach((workload, byThreads) -> {
            sb.append("\n### ").append(workload).append("\n\n");
            String about = WORKLOADS.get(workload);
            if (about != null) {
                sb.append(about).append("\n\n");
            }
            boolean aborts = byThreads.values().stream().flatMap(m -> m.values().stream())
                    .anyMatch(r -> r.secondary().containsKey("aborts"));
            boolean readOnlyAborts = byThreads.values().stream().flatMap(m -> m.values().stream())
                    .anyMatch(r -> r.secondary().containsKey("readOnlyAborts"));
            boolean bytes = byThreads.values().stream().flatMap(m -> m.values().stream())
                    .anyMatch(r -> r.secondary().containsKey("gc.alloc.rate.norm"));
            sb.append("| impl | threads | score | M ops/s (all threads) | jstm speed-up |");
            if (aborts) {
                sb.append(" aborts/op |");
            }
            if (readOnlyAborts) {
                sb.append(" read-only aborts/op |");
            }
            if (bytes) {
                sb.append(" B/op |");
            }
            sb.append("\n| --- | ---: | ---: | ---: | ---: |");
            sb.append(aborts ? " ---: |" : "").append(readOnlyAborts ? " ---: |" : "").append(bytes ? " ---: |" : "");
            sb.append('\n');
            byThreads.forEach((threads, row) -> row.values().forEach(r -> {
                Metric p = r.primary();
                sb.append("| ").append(r.impl()).append(" | ").append(threads).append(" | ")
                        .append(fmt(p.score())).append(" ± ").append(fmt(p.error())).append(' ').append(p.unit())
                        .append(" | ").append(fmt(r.throughput()))
                        .append(" | ").append(fmt(jstmSpeedup(r, row))).append("x |");
                if (aborts) {
                    sb.append(' ').append(fmt(r.perOp("aborts"))).append(" |");
                }
                if (readOnlyAborts) {
                    sb.append(' ').append(fmt(r.perOp("readOnlyAborts"))).append(" |");
                }
                if (bytes) {
                    sb.append(' ').append(fmt(r.bytesPerOp())).append(" |");
                }
                sb.append('\n');
            }));
        });
        sb.append("\nAborts/op: re-executions of the transaction block per operation, counted by the block"
                + " itself (the same way for every STM; always 0 for locks).\n");
        return sb.toString();
    }

    /** Three significant digits, no exponent; "-" for NaN. */
    static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : a >= 0.01 ? "%.3f"
                : a == 0 ? "%.0f" : "%.5f";
        return String.format(Locale.ROOT, f, v);
    }

    // ---------------------------------------------------------------- drawing

    private static final int PANEL_W = 560;
    private static final int BAR_H = 18;
    private static final int BAR_GAP = 5;
    private static final int LABEL_W = 130;
    private static final int VALUE_W = 70;
    private static final int HEADER_H = 30;
    private static final int AXIS_H = 22;
    private static final int MARGIN = 16;
    private static final Color JSTM = new Color(0x1f, 0x5f, 0xbf);
    private static final Color STM_PEER = new Color(0xe0, 0x8a, 0x2c);
    private static final Color LOCK = new Color(0x8c, 0x8c, 0x8c);

    static void draw(List<Result> results, Path png) throws IOException {
        Map<String, Map<Integer, Map<String, Result>>> all = byWorkload(results);
        TreeSet<Integer> threadCounts = new TreeSet<>();
        results.forEach(r -> threadCounts.add(r.threads()));
        int maxBars = 0;
        for (Map<Integer, Map<String, Result>> w : all.values()) {
            TreeSet<String> impls = new TreeSet<>();
            w.values().forEach(row -> impls.addAll(row.keySet()));
            maxBars = Math.max(maxBars, impls.size());
        }
        int panelH = HEADER_H + maxBars * (BAR_H + BAR_GAP) + AXIS_H;
        int titleH = 48;
        int width = MARGIN + threadCounts.size() * (PANEL_W + MARGIN);
        int height = titleH + all.size() * (panelH + MARGIN) + MARGIN;

        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("jstm and its peers: throughput, million operations/s, all threads (log scale; higher is better)",
                MARGIN, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        legend(g, MARGIN, 40);

        int y = titleH;
        for (Map.Entry<String, Map<Integer, Map<String, Result>>> w : all.entrySet()) {
            // One log scale per workload, shared by its thread counts.
            double min = Double.MAX_VALUE;
            double max = 0;
            for (Map<String, Result> row : w.getValue().values()) {
                for (Result r : row.values()) {
                    double t = r.throughput();
                    if (t > 0 && !Double.isNaN(t)) {
                        min = Math.min(min, t);
                        max = Math.max(max, t);
                    }
                }
            }
            double lo = Math.floor(Math.log10(min));
            double hi = Math.ceil(Math.log10(max));
            if (hi <= lo) {
                hi = lo + 1;
            }
            // Every implementation of the workload gets a line in every panel, so a
            // trial that failed its check or was skipped shows as "no result".
            TreeSet<String> impls = new TreeSet<>(Comparator.comparingInt((String s) -> order(IMPLS, s))
                    .thenComparing(s -> s));
            w.getValue().values().forEach(row -> impls.addAll(row.keySet()));
            int x = MARGIN;
            for (int threads : threadCounts) {
                Map<String, Result> row = w.getValue().getOrDefault(threads, Map.of());
                panel(g, x, y, panelH, w.getKey() + ", " + threads + (threads == 1 ? " thread" : " threads"),
                        impls, row, lo, hi);
                x += PANEL_W + MARGIN;
            }
            y += panelH + MARGIN;
        }
        g.dispose();
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(img, "png", png.toFile());
    }

    private static void legend(Graphics2D g, int x, int y) {
        Object[][] items = {{JSTM, "jstm"}, {STM_PEER, "STM peers"}, {LOCK, "locks, plain code and atomics"}};
        for (Object[] item : items) {
            g.setColor((Color) item[0]);
            g.fillRect(x, y - 10, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString((String) item[1], x + 16, y);
            x += 30 + g.getFontMetrics().stringWidth((String) item[1]);
        }
    }

    private static void panel(Graphics2D g, int x, int y, int h, String title, TreeSet<String> impls,
                              Map<String, Result> row, double lo, double hi) {
        g.setColor(new Color(0xf4, 0xf4, 0xf4));
        g.fillRect(x, y, PANEL_W, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(title, x + 8, y + 19);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        int barX = x + LABEL_W;
        int barW = PANEL_W - LABEL_W - VALUE_W;
        int axisY = y + h - AXIS_H;

        // Decade grid lines and labels.
        g.setStroke(new BasicStroke(1f));
        for (int p = (int) lo; p <= (int) hi; p++) {
            int gx = barX + (int) Math.round((p - lo) / (hi - lo) * barW);
            g.setColor(new Color(0xd0, 0xd0, 0xd0));
            g.drawLine(gx, y + HEADER_H - 4, gx, axisY);
            g.setColor(Color.DARK_GRAY);
            String label = decade(p);
            g.drawString(label, gx - fm.stringWidth(label) / 2, axisY + 15);
        }

        int by = y + HEADER_H;
        for (String impl : impls) {
            Result r = row.get(impl);
            double t = r == null ? Double.NaN : r.throughput();
            g.setColor(Color.BLACK);
            g.drawString(impl, barX - 8 - fm.stringWidth(impl), by + BAR_H - 5);
            if (t > 0 && !Double.isNaN(t)) {
                int len = Math.max(1, (int) Math.round((Math.log10(t) - lo) / (hi - lo) * barW));
                g.setColor(impl.startsWith("jstm") ? JSTM : isLock(impl) ? LOCK : STM_PEER);
                g.fillRect(barX, by, len, BAR_H);
                g.setColor(Color.BLACK);
                g.drawString(fmt(t), barX + len + 4, by + BAR_H - 5);
            } else {
                g.setColor(Color.GRAY);
                g.drawString("no result (skipped or failed its check)", barX + 4, by + BAR_H - 5);
            }
            by += BAR_H + BAR_GAP;
        }
    }

    private static boolean isLock(String impl) {
        return impl.equals("globalLock") || impl.equals("fineLocks") || impl.equals("rwLock") || impl.equals("plain")
                || impl.equals("atomics");
    }

    private static String decade(int p) {
        return p >= 0 ? String.format(Locale.ROOT, "%.0f", Math.pow(10, p))
                : String.format(Locale.ROOT, "%." + (-p) + "f", Math.pow(10, p));
    }
}
