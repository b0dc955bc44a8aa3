package io.jstm.examples.common;

import io.jstm.ConflictReport;
import io.jstm.StmStatistics;

import java.util.Locale;

/**
 * The lines every example prints after its jstm run: the transaction counters
 * and, when there were aborts, the top three conflict groups of
 * {@link io.jstm.Stm#conflictReport()} (ref, reason, aborts, wasted time and,
 * with conflict tracing on, both code sites).
 */
public final class ConflictSummary {
    private ConflictSummary() {}

    /** Prints {@code stats} and, if any attempt aborted on a conflict, the top three conflict sites. */
    public static void print(StmStatistics stats, ConflictReport report) {
        System.out.println("jstm: " + stats);
        if (stats.conflictAborts() == 0 && report.entries().isEmpty()) {
            System.out.println("jstm: no conflict aborts");
            return;
        }
        System.out.printf(Locale.ROOT, "jstm: top conflict sites (%d aborts, %.1f ms wasted)%s%n",
                report.totalAborts(), report.totalWastedNanos() / 1e6,
                report.entries().stream().allMatch(e -> e.accessSite().isEmpty())
                        ? "; rerun with --trace for the code sites" : "");
        int rank = 1;
        for (ConflictReport.Entry e : report.top(3)) {
            System.out.printf(Locale.ROOT, "  %d. %-24s %-17s %,8d aborts %9.1f ms  %s <- %s%n", rank++,
                    e.refName(), e.reason(), e.aborts(), e.wastedNanos() / 1e6, e.accessLocation(),
                    e.otherLocation());
        }
    }

    /** "1.23x" : how many times {@code stm} is {@code lock} (both rates: higher is better). */
    public static String ratio(double stm, double lock) {
        return lock <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", stm / lock);
    }
}
