package io.jstm;

import java.util.List;
import java.util.Locale;

/**
 * The conflict profiler's answer to "why is my program slow?": aborts grouped by
 * ref and by the pair of code sites involved, ranked by the time they wasted.
 * Taken with {@link Stm#conflictReport()}; written at JVM exit with
 * {@code -Djstm.report=path} (text, plus an HTML page with a bar chart).
 *
 * <p>Sites are known when conflict tracing is on ({@link Stm#setConflictTracing});
 * without it, aborts are still grouped by ref and reason.
 */
public final class ConflictReport {

    /**
     * One group of aborts.
     *
     * @param refName         the conflicting ref
     * @param reason          why the attempts aborted
     * @param aborts          how many attempts
     * @param wastedNanos     time those attempts wasted
     * @param accessSite      where the losing transactions touched the ref (first sample; empty without tracing)
     * @param otherSite       where the winner wrote it (first sample; empty without tracing)
     * @param otherThreadName the winner's thread in the first sample, or null
     */
    public record Entry(String refName, AbortReason reason, long aborts, long wastedNanos,
                        List<StackTraceElement> accessSite, List<StackTraceElement> otherSite,
                        String otherThreadName) {
        public Entry {
            accessSite = List.copyOf(accessSite);
            otherSite = List.copyOf(otherSite);
        }

        /** "Class.method(File.java:42)" of the top user frame of the access site, or "?" if unknown. */
        public String accessLocation() {
            return accessSite.isEmpty() ? "?" : accessSite.get(0).toString();
        }

        /** The same for the winner's site. */
        public String otherLocation() {
            return otherSite.isEmpty() ? "?" : otherSite.get(0).toString();
        }
    }

    private final List<Entry> entries;
    private final boolean tracing;

    /** Built by the engine; entries must already be ranked. */
    public ConflictReport(List<Entry> entries, boolean tracing) {
        this.entries = List.copyOf(entries);
        this.tracing = tracing;
    }

    /** Every group, most wasted time first. */
    public List<Entry> entries() {
        return entries;
    }

    /** The first {@code n} groups. */
    public List<Entry> top(int n) {
        return entries.subList(0, Math.min(n, entries.size()));
    }

    public long totalAborts() {
        return entries.stream().mapToLong(Entry::aborts).sum();
    }

    public long totalWastedNanos() {
        return entries.stream().mapToLong(Entry::wastedNanos).sum();
    }

    /** A plain-text report: a ranked table, then each top group's pair of sites. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "jstm conflict report: %d aborts, %.3f ms wasted%n",
                totalAborts(), totalWastedNanos() / 1e6));
        if (entries.isEmpty()) {
            return sb.append("no conflicts recorded\n").toString();
        }
        if (!tracing) {
            sb.append("(sites not recorded: run with -Djstm.conflictTracing=true to see both sides)\n");
        }
        sb.append(String.format(Locale.ROOT, "%4s %8s %12s %6s  %-20s %-20s %s%n", "rank", "aborts", "wasted ms",
                "share", "ref", "reason", "where (this side <- winner)"));
        long total = Math.max(1, totalWastedNanos());
        int rank = 1;
        for (Entry e : top(20)) {
            sb.append(String.format(Locale.ROOT, "%4d %8d %12.3f %5.1f%%  %-20s %-20s %s <- %s%n", rank++, e.aborts(),
                    e.wastedNanos() / 1e6, 100.0 * e.wastedNanos() / total, e.refName(), e.reason(),
                    e.accessLocation(), e.otherLocation()));
        }
        rank = 1;
        for (Entry e : top(5)) {
            if (e.accessSite().isEmpty() && e.otherSite().isEmpty()) {
                continue;
            }
            sb.append('\n').append('#').append(rank++).append(' ').append(e.refName()).append(": ")
                    .append(e.reason()).append('\n');
            sb.append("  this side touched it at\n");
            frames(sb, e.accessSite());
            sb.append("  the winner");
            if (e.otherThreadName() != null) {
                sb.append(" (thread \"").append(e.otherThreadName()).append("\")");
            }
            sb.append(" wrote it at\n");
            frames(sb, e.otherSite());
        }
        return sb.toString();
    }

    private static void frames(StringBuilder sb, List<StackTraceElement> site) {
        if (site.isEmpty()) {
            sb.append("      (unknown)\n");
        }
        for (StackTraceElement f : site) {
            sb.append("      at ").append(f).append('\n');
        }
    }

    /** A self-contained HTML page: a bar chart of wasted time per group, then the sites. */
    public String toHtml() {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>jstm conflict report</title>"
                + "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:left}"
                + ".bar{background:#c0392b;height:14px}pre{background:#f4f4f4;padding:6px}</style></head><body>");
        sb.append("<h1>jstm conflict report</h1>");
        sb.append(String.format(Locale.ROOT, "<p>%d aborts, %.3f ms wasted.%s</p>", totalAborts(),
                totalWastedNanos() / 1e6, tracing ? "" : " Sites not recorded: run with "
                        + "<code>-Djstm.conflictTracing=true</code> to see both sides."));
        long max = entries.stream().mapToLong(Entry::wastedNanos).max().orElse(1);
        sb.append("<table><tr><th>#</th><th>ref</th><th>reason</th><th>aborts</th><th>wasted ms</th>"
                + "<th style=\"width:40%\">wasted time</th><th>this side &larr; winner</th></tr>");
        int rank = 1;
        for (Entry e : top(20)) {
            int width = (int) Math.max(1, 100 * e.wastedNanos() / Math.max(1, max));
            sb.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%s</td><td>%s</td><td>%d</td><td>%.3f</td>"
                            + "<td><div class=\"bar\" style=\"width:%d%%\"></div></td><td>%s &larr; %s</td></tr>",
                    rank++, esc(e.refName()), e.reason(), e.aborts(), e.wastedNanos() / 1e6, width,
                    esc(e.accessLocation()), esc(e.otherLocation())));
        }
        sb.append("</table>");
        rank = 1;
        for (Entry e : top(5)) {
            sb.append("<h3>#").append(rank++).append(' ').append(esc(e.refName())).append(": ").append(e.reason())
                    .append("</h3><p>this side touched it at</p><pre>");
            for (StackTraceElement f : e.accessSite()) {
                sb.append(esc(f.toString())).append('\n');
            }
            sb.append("</pre><p>the winner").append(e.otherThreadName() == null ? ""
                    : " (thread &quot;" + esc(e.otherThreadName()) + "&quot;)").append(" wrote it at</p><pre>");
            for (StackTraceElement f : e.otherSite()) {
                sb.append(esc(f.toString())).append('\n');
            }
            sb.append("</pre>");
        }
        return sb.append("</body></html>\n").toString();
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
