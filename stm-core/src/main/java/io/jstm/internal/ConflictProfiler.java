package io.jstm.internal;

import io.jstm.AbortReason;
import io.jstm.ConflictReport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Aggregates aborts by (ref, reason, top frame of this side's site, top frame
 * of the winner's site) for {@link ConflictReport}. Every conflict abort is
 * counted (aborts are the slow path; the map is concurrent and the counters
 * striped); full sites are kept from the first sample of each group.
 *
 * <p>With {@code -Djstm.report=path}, a shutdown hook writes the report at JVM
 * exit: text to {@code path} and HTML next to it ({@code path.html}), or the
 * other way round when {@code path} ends in {@code .html}. The hook is added
 * when the first conflict is recorded (this class loads then), so a run
 * without conflicts writes no report; and a copy of jstm in another class
 * loader that never conflicts (a baseline run in isolation) adds no hook of
 * its own to write an empty report over this one.
 */
public final class ConflictProfiler {
    private ConflictProfiler() {}

    private record Key(String ref, AbortReason reason, StackTraceElement access, StackTraceElement other) {}

    /** One group's counters; sites and winner from its first sample (final after construction). */
    static final class Group {
        final LongAdder aborts = new LongAdder();
        final LongAdder wasted = new LongAdder();
        final List<StackTraceElement> accessSite;
        final List<StackTraceElement> otherSite;
        final String otherThread;

        Group(List<StackTraceElement> accessSite, List<StackTraceElement> otherSite, String otherThread) {
            this.accessSite = accessSite;
            this.otherSite = otherSite;
            this.otherThread = otherThread;
        }
    }

    private static final ConcurrentHashMap<Key, Group> GROUPS = new ConcurrentHashMap<>();

    /**
     * Most groups kept. Unnamed refs have names of their own ({@code Ref#N}), so a
     * program that makes and contends fresh refs in a loop would otherwise grow
     * the map for good; beyond this, aborts are counted in one group per reason,
     * named {@link #OVERFLOW}. Not final: tests lower it.
     */
    static volatile int maxGroups = 4096;
    static final String OVERFLOW = "(other refs, beyond the profiler's group limit)";

    static {
        String path = System.getProperty("jstm.report");
        if (path != null && !path.isBlank()) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> writeReport(Path.of(path)), "jstm-report"));
            } catch (IllegalStateException shuttingDown) {
                // Loaded by a transaction in another shutdown hook: too late to add one. Failing here
                // would fail that transaction and leave this class unusable; there is simply no report.
            }
        }
    }

    /** Counts one conflict abort; returns its group so that a wasted-time estimate can be added later. */
    static Group record(String ref, AbortReason reason, long wastedNanos, List<StackTraceElement> access,
                        List<StackTraceElement> other, String otherThread) {
        Key k = new Key(ref, reason, access.isEmpty() ? null : access.get(0), other.isEmpty() ? null : other.get(0));
        Group g = GROUPS.get(k);
        if (g == null) {
            if (GROUPS.size() >= maxGroups) {
                k = new Key(OVERFLOW, reason, null, null);
                g = GROUPS.computeIfAbsent(k, key -> new Group(List.of(), List.of(), null));
            } else {
                g = GROUPS.computeIfAbsent(k, key -> new Group(access, other, otherThread));
            }
        }
        g.aborts.increment();
        if (wastedNanos > 0) {
            g.wasted.add(wastedNanos);
        }
        return g;
    }

    public static ConflictReport report() {
        List<ConflictReport.Entry> entries = new ArrayList<>();
        GROUPS.forEach((k, g) -> entries.add(new ConflictReport.Entry(k.ref(), k.reason(), g.aborts.sum(),
                g.wasted.sum(), g.accessSite, g.otherSite, g.otherThread)));
        entries.sort(Comparator.comparingLong(ConflictReport.Entry::wastedNanos).reversed()
                .thenComparing(Comparator.comparingLong(ConflictReport.Entry::aborts).reversed())
                .thenComparing(e -> Objects.toString(e.refName())));
        return new ConflictReport(entries, ConflictTracer.enabled());
    }

    public static void reset() {
        GROUPS.clear();
    }

    static void writeReport(Path path) {
        ConflictReport r = report();
        boolean html = path.toString().endsWith(".html");
        Path text = html ? Path.of(path + ".txt") : path;
        Path page = html ? path : Path.of(path + ".html");
        try {
            Path dir = path.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Files.writeString(text, r.toString(), StandardCharsets.UTF_8);
            Files.writeString(page, r.toHtml(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("jstm: could not write the conflict report to " + path + ": " + e);
        }
    }
}
