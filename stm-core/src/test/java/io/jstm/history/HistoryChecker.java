package io.jstm.history;

import io.jstm.history.Anomaly.Kind;
import io.jstm.history.DependencyGraph.Edge;
import io.jstm.history.DependencyGraph.EdgeType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Checks a recorded {@link History} of an STM for serializability, strict
 * serializability and opacity, in the manner of Elle (Kingsbury and Alvaro,
 * VLDB 2020) and Adya's dependency graphs.
 *
 * <h2>What the history must look like</h2>
 * Every write is recognisable from its value: within a ref no value is written
 * twice and none equals the initial value, so each read names the one attempt
 * (and op) that wrote what it saw. Every committed write of a ref is preceded,
 * in its transaction, by a read of that ref that the transaction did not serve
 * from its own writes (read-modify-write). That read names the version the
 * write replaced, so the <em>version order</em> of each ref is recovered
 * exactly, without guessing from timing: it is the chain
 * {@code initial -> v1 -> v2 -> ...} of "write replaced version" links. A
 * commute counts as a read of the argument its function was applied to (at
 * commit, the latest committed value) followed by a write. A <em>declared</em>
 * blind write (see {@link Op}) names the version it replaces itself; any other
 * write without such a read is reported as {@link Kind#BLIND_WRITE}.
 *
 * <h2>Per-attempt analysis</h2>
 * Each attempt's ops are replayed in order. A write stays <em>live</em> until an
 * UNDO covers it (a failed nested block, an orElse branch that retried). A read
 * of a ref with a live own write is an <em>internal</em> read and must return
 * the newest such write ({@link Kind#READ_YOUR_WRITES}); any other read is
 * <em>external</em>: it observed committed state. At the end, each write is
 * FINAL (the newest live write of its ref: what a commit installs),
 * INTERMEDIATE (overwritten later by a live write) or DISCARDED (undone).
 *
 * <h2>Read checks, for every attempt (committed, aborted, rolled back)</h2>
 * An external read must see the initial value or a FINAL write of a COMMITTED
 * attempt. Otherwise it is {@link Kind#ABORTED_READ} (G1a: writer aborted or
 * rolled back), {@link Kind#DISCARDED_READ} (the writer's own transaction
 * undid that write), {@link Kind#INTERMEDIATE_READ} (G1b) or
 * {@link Kind#GARBAGE_READ} (nobody wrote it). Two different external values of
 * one ref in one attempt are a {@link Kind#NON_REPEATABLE_READ}. Checking the
 * attempts that did not commit is what makes this an opacity check: an STM
 * must not let even a doomed attempt see such values.
 *
 * <h2>Dependency graph</h2>
 * Nodes are attempts. For the version order above, with {@code W} the
 * committed writer of version {@code v} of ref {@code r} and {@code N} the
 * committed writer of the version that replaced {@code v}:
 * <ul>
 *   <li>{@code W -ww-> N};</li>
 *   <li>{@code W -wr-> A} for every attempt {@code A} that read {@code v};</li>
 *   <li>{@code A -rw-> N} for every attempt {@code A} that read {@code v}
 *       (anti-dependency: A must come before the overwrite);</li>
 *   <li>{@code T -rt-> X} when committed {@code T} finished before attempt
 *       {@code X} began in real time ({@code T.end < X.start}); only a transitive
 *       reduction is added (edges to {@code X} that start before the earliest
 *       end of any committed transaction starting after {@code T.end}; later
 *       ones are reached through that transaction), so there are at most a few
 *       per transaction.</li>
 * </ul>
 * If two committed transactions replaced the same version, that is a
 * {@link Kind#LOST_UPDATE}; both get the rw edges, which also form a cycle.
 *
 * <h2>Cycles</h2>
 * Adya: a history of committed transactions with a known version order is
 * conflict-serializable exactly when this graph is acyclic. The sub-graph of
 * committed nodes is searched with growing edge sets, reporting each strongly
 * connected component once, at the mildest class that closes it: ww only
 * ({@link Kind#CYCLE_G0}), ww+wr ({@link Kind#CYCLE_G1C}), plus rw
 * ({@link Kind#CYCLE_G_SINGLE} for one anti-dependency, {@link Kind#CYCLE_G2}
 * for more: write skew), plus rt ({@link Kind#CYCLE_REALTIME}: serializable but
 * not strictly).
 *
 * <h2>Opacity: the consistency of every attempt</h2>
 * An attempt that did not commit is added to the graph as a read-only
 * transaction: its writes are dropped, its external reads give wr edges in and
 * rw edges out, and real time gives rt edges in. Opacity (Guerraoui and
 * Kapalka) asks for one serialization of all committed transactions, respecting
 * real time (a transaction that committed before an attempt began precedes
 * it), in which every attempt, committed or not, reads exactly the newest
 * versions before its own position. With the version order fixed this exists
 * exactly when the graph of all nodes is acyclic (the same argument as for
 * committed transactions: a topological order is such a serialization, and any
 * such serialization is a topological order). A cycle through an attempt
 * {@code A} that did not commit reads as: A saw the write of some {@code W}
 * ({@code W -wr-> A}) but missed an overwrite {@code N} of something it read
 * ({@code A -rw-> N}) although {@code N} precedes {@code W} in every
 * serialization; no single snapshot contains what A saw. It is reported as
 * {@link Kind#INCONSISTENT_SNAPSHOT}. This is stronger than checking each
 * attempt against one arbitrarily chosen serialization (which could reject a
 * consistent attempt) and than checking each attempt alone (one order must fit
 * them all).
 *
 * <h2>Soundness</h2>
 * Every reported anomaly is a real violation given the recorded ops: values
 * are unique, the version order is read off the history, and the real-time
 * bounds are conservative (see {@link Attempt}). Reads or writes the engine
 * aborted before they returned are not recorded, and a commute function's run
 * at commit counts only for the attempt that committed; that can only hide,
 * not invent, anomalies.
 */
final class HistoryChecker {

    /** Anomalies listed per kind (all are counted). */
    private static final int LIST_PER_KIND = 10;

    private static final Set<EdgeType> WW = EnumSet.of(EdgeType.WW);
    private static final Set<EdgeType> WW_WR = EnumSet.of(EdgeType.WW, EdgeType.WR);
    private static final Set<EdgeType> DATA = EnumSet.of(EdgeType.WW, EdgeType.WR, EdgeType.RW);
    private static final Set<EdgeType> ALL = EnumSet.allOf(EdgeType.class);

    /** The outcome: anomalies (the first few of each kind) and what was checked. */
    record Result(List<Anomaly> anomalies, Map<Kind, Integer> counts, Stats stats) {
        boolean ok() {
            return counts.isEmpty();
        }

        /** Every anomaly listed, each with its attempts, after the counts. */
        String report() {
            StringBuilder sb = new StringBuilder("history anomalies ").append(counts).append(" in ").append(stats);
            for (Anomaly a : anomalies) {
                sb.append('\n').append(a);
            }
            return sb.toString();
        }
    }

    /** How much was checked. */
    record Stats(int attempts, int committed, int aborted, int rolledBack, long externalReads, long writes,
                 int ww, int wr, int rw, int rt) {
        @Override
        public String toString() {
            return attempts + " attempts (" + committed + " committed, " + aborted + " aborted and re-run, "
                    + rolledBack + " rolled back by an exception), " + externalReads + " external reads, "
                    + writes + " writes, dependency edges ww=" + ww + " wr=" + wr + " rw=" + rw + " rt=" + rt;
        }
    }

    /** Where a value of a ref came from. */
    private record WriteSite(int attempt, WriteStatus status) {}

    private enum WriteStatus { FINAL, INTERMEDIATE, DISCARDED }

    /** What replaying one attempt's ops found. */
    private static final class Facts {
        /** Distinct external reads, per ref, in first-seen order. */
        final Map<Integer, LinkedHashSet<Long>> externalReads = new LinkedHashMap<>();
        /** Ref -> value this attempt would install if it committed. */
        final Map<Integer, Long> finalWrites = new LinkedHashMap<>();
        /** Refs whose final write is a commute whose function never ran. */
        final Set<Integer> unappliedCommutes = new LinkedHashSet<>();
        /** Ref -> the version this attempt's writes of it replace, as its declared blind writes state. */
        final Map<Integer, Long> declaredReplaced = new HashMap<>();
        WriteStatus[] writeStatus;
    }

    private final History history;
    private final List<Attempt> attempts;
    private final Facts[] facts;
    private final List<Map<Long, WriteSite>> writers = new ArrayList<>();
    /** Per ref: version -> committed attempts that replaced it. */
    private final List<Map<Long, List<Integer>>> successors = new ArrayList<>();
    private final DependencyGraph graph;
    private final List<Anomaly> listed = new ArrayList<>();
    private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    private long externalReadCount;
    private long writeCount;

    private HistoryChecker(History history) {
        this.history = history;
        this.attempts = history.attempts();
        this.facts = new Facts[attempts.size()];
        this.graph = new DependencyGraph(attempts.size());
        for (int r = 0; r < history.refCount(); r++) {
            writers.add(new HashMap<>());
            successors.add(new HashMap<>());
        }
    }

    /**
     * Checks {@code history}.
     *
     * @throws IllegalArgumentException if the history breaks the format rules
     *         (a value written twice to a ref, an attempt still running, a bad ref number)
     */
    static Result check(History history) {
        return new HistoryChecker(history).run();
    }

    private Result run() {
        for (int i = 0; i < attempts.size(); i++) {
            facts[i] = replay(attempts.get(i));
        }
        indexWrites();
        checkReads();
        orderVersions();
        addAntiDependencies();
        addRealTimeOrder();
        findCycles();
        return new Result(List.copyOf(listed), Map.copyOf(counts), stats());
    }

    // ------------------------------------------------------------- per attempt

    private Facts replay(Attempt a) {
        if (a.outcome() == Attempt.Outcome.RUNNING) {
            throw new IllegalArgumentException("malformed history: " + a.id() + " never finished");
        }
        List<Op> ops = a.ops();
        Facts f = new Facts();
        boolean[] undone = new boolean[ops.size()];
        Set<Integer> reportedFuzzy = new LinkedHashSet<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            switch (op.kind()) {
                case READ:
                    checkRef(a, op.ref());
                    observe(a, f, ops, undone, i, op.value(), reportedFuzzy);
                    break;
                case COMMUTE:
                    checkRef(a, op.ref());
                    if (op.base().isPresent()) {
                        observe(a, f, ops, undone, i, op.base().getAsLong(), reportedFuzzy);
                    }
                    writeCount++;
                    break;
                case WRITE:
                    checkRef(a, op.ref());
                    if (op.base().isPresent()) {
                        f.declaredReplaced.putIfAbsent(op.ref(), op.base().getAsLong());
                    }
                    writeCount++;
                    break;
                case UNDO:
                    for (int j = Math.max(0, op.since()); j < i; j++) {
                        undone[j] |= ops.get(j).writes();
                    }
                    break;
                default:
                    throw new AssertionError(op);
            }
        }
        f.writeStatus = new WriteStatus[ops.size()];
        for (int i = ops.size() - 1; i >= 0; i--) {
            Op op = ops.get(i);
            if (!op.writes()) {
                continue;
            }
            if (undone[i]) {
                f.writeStatus[i] = WriteStatus.DISCARDED;
            } else if (f.finalWrites.containsKey(op.ref())) {
                f.writeStatus[i] = WriteStatus.INTERMEDIATE;
            } else {
                f.writeStatus[i] = WriteStatus.FINAL;
                f.finalWrites.put(op.ref(), op.value());
                if (op.kind() == Op.Kind.COMMUTE && op.base().isEmpty()) {
                    f.unappliedCommutes.add(op.ref());
                }
            }
        }
        return f;
    }

    /**
     * Op {@code i} of {@code a} saw {@code value} of its ref: the block's read, or
     * the argument of a commute function. Internal if the attempt has a live write
     * of the ref before op {@code i} (then it must be that write), external otherwise.
     */
    private void observe(Attempt a, Facts f, List<Op> ops, boolean[] undone, int i, long value,
                         Set<Integer> reportedFuzzy) {
        int ref = ops.get(i).ref();
        int own = newestLiveWrite(ops, undone, i, ref);
        if (own >= 0) {
            long expected = ops.get(own).value();
            if (value != expected) {
                report(Kind.READ_YOUR_WRITES, a.id() + " saw r" + ref + "=" + value + " at op #" + i
                        + " after writing " + expected + " at op #" + own, a);
            }
            return;
        }
        externalReadCount++;
        LinkedHashSet<Long> seen = f.externalReads.computeIfAbsent(ref, k -> new LinkedHashSet<>());
        seen.add(value);
        if (seen.size() > 1 && reportedFuzzy.add(ref)) {
            report(Kind.NON_REPEATABLE_READ, a.id() + " saw r" + ref + " as " + seen
                    + " without writing it in between", a);
        }
    }

    private static int newestLiveWrite(List<Op> ops, boolean[] undone, int before, int ref) {
        for (int j = before - 1; j >= 0; j--) {
            Op o = ops.get(j);
            if (o.writes() && o.ref() == ref && !undone[j]) {
                return j;
            }
        }
        return -1;
    }

    private void checkRef(Attempt a, int ref) {
        if (ref < 0 || ref >= history.refCount()) {
            throw new IllegalArgumentException("malformed history: " + a.id() + " uses ref " + ref
                    + " but the history has " + history.refCount() + " refs");
        }
    }

    private void indexWrites() {
        for (int i = 0; i < attempts.size(); i++) {
            List<Op> ops = attempts.get(i).ops();
            for (int j = 0; j < ops.size(); j++) {
                Op op = ops.get(j);
                if (!op.writes()) {
                    continue;
                }
                WriteSite before = writers.get(op.ref()).put(op.value(), new WriteSite(i, facts[i].writeStatus[j]));
                if (before != null || op.value() == history.initial(op.ref())) {
                    throw new IllegalArgumentException("malformed history: value " + op.value() + " of r" + op.ref()
                            + " is written by " + attempts.get(i).id() + " and also "
                            + (before != null ? "by " + attempts.get(before.attempt()).id() : "its initial value")
                            + "; the checker needs every written value to be unique");
                }
            }
        }
    }

    // ------------------------------------------------------------------ reads

    private void checkReads() {
        for (int i = 0; i < attempts.size(); i++) {
            Attempt a = attempts.get(i);
            for (Map.Entry<Integer, LinkedHashSet<Long>> e : facts[i].externalReads.entrySet()) {
                int r = e.getKey();
                for (long v : e.getValue()) {
                    checkRead(i, a, r, v);
                }
            }
        }
    }

    private void checkRead(int reader, Attempt a, int r, long v) {
        if (v == history.initial(r)) {
            return;
        }
        WriteSite w = writers.get(r).get(v);
        if (w == null) {
            report(Kind.GARBAGE_READ, a.id() + " read r" + r + "=" + v + ", a value nobody wrote", a);
            return;
        }
        Attempt writer = attempts.get(w.attempt());
        String what = a.id() + " read r" + r + "=" + v + " written by " + writer.id();
        if (w.attempt() == reader) {
            report(Kind.DISCARDED_READ, what + " (itself) in a write it had discarded", a);
        } else if (!writer.committed()) {
            report(Kind.ABORTED_READ, what + ", which " + writer.outcome(), a, writer);
        } else if (w.status() == WriteStatus.DISCARDED) {
            report(Kind.DISCARDED_READ, what + " in a nested block or orElse branch it discarded", a, writer);
        } else if (w.status() == WriteStatus.INTERMEDIATE) {
            report(Kind.INTERMEDIATE_READ, what + ", which overwrote it before committing", a, writer);
        } else {
            graph.add(w.attempt(), reader, EdgeType.WR, r, v);
        }
    }

    // -------------------------------------------------------- version order

    private void orderVersions() {
        for (int i = 0; i < attempts.size(); i++) {
            Attempt a = attempts.get(i);
            if (!a.committed()) {
                continue;
            }
            for (Map.Entry<Integer, Long> e : facts[i].finalWrites.entrySet()) {
                int r = e.getKey();
                LinkedHashSet<Long> read = facts[i].externalReads.get(r);
                Long declared = facts[i].declaredReplaced.get(r);
                if (read == null && declared == null) {
                    report(Kind.BLIND_WRITE, a.id() + " wrote r" + r + "=" + e.getValue()
                            + (facts[i].unappliedCommutes.contains(r)
                                    ? " with a commute whose function never ran, yet committed"
                                    : " without reading r" + r + " first")
                            + ": its place in the version order is unknown", a);
                    continue;
                }
                long replaced = read != null ? read.iterator().next() : declared;
                successors.get(r).computeIfAbsent(replaced, k -> new ArrayList<>(1)).add(i);
                WriteSite prev = writers.get(r).get(replaced);
                if (prev != null && attempts.get(prev.attempt()).committed() && prev.status() == WriteStatus.FINAL) {
                    graph.add(prev.attempt(), i, EdgeType.WW, r, replaced);
                }
            }
        }
        for (int r = 0; r < successors.size(); r++) {
            for (Map.Entry<Long, List<Integer>> e : successors.get(r).entrySet()) {
                List<Integer> ws = e.getValue();
                if (ws.size() > 1) {
                    List<Attempt> involved = ws.stream().map(attempts::get).toList();
                    report(Kind.LOST_UPDATE, "r" + r + "=" + e.getKey() + " was replaced by each of "
                            + involved.stream().map(Attempt::id).toList(), involved.toArray(new Attempt[0]));
                }
            }
        }
    }

    private void addAntiDependencies() {
        for (int i = 0; i < attempts.size(); i++) {
            for (Map.Entry<Integer, LinkedHashSet<Long>> e : facts[i].externalReads.entrySet()) {
                int r = e.getKey();
                for (long v : e.getValue()) {
                    List<Integer> next = successors.get(r).get(v);
                    if (next != null) {
                        for (int n : next) {
                            graph.add(i, n, EdgeType.RW, r, v);
                        }
                    }
                }
            }
        }
    }

    /** Adds a transitive reduction of "committed T ended before attempt X started" (see the class comment). */
    private void addRealTimeOrder() {
        int n = attempts.size();
        int[] committed = IntStream.range(0, n).filter(i -> attempts.get(i).committed())
                .boxed().sorted(Comparator.comparingLong(i -> attempts.get(i).start))
                .mapToInt(Integer::intValue).toArray();
        int[] all = IntStream.range(0, n)
                .boxed().sorted(Comparator.comparingLong(i -> attempts.get(i).start))
                .mapToInt(Integer::intValue).toArray();
        long[] committedStarts = Arrays.stream(committed).mapToLong(i -> attempts.get(i).start).toArray();
        long[] allStarts = Arrays.stream(all).mapToLong(i -> attempts.get(i).start).toArray();
        long[] minEndFrom = new long[committed.length + 1];
        minEndFrom[committed.length] = Long.MAX_VALUE;
        for (int k = committed.length - 1; k >= 0; k--) {
            minEndFrom[k] = Math.min(minEndFrom[k + 1], attempts.get(committed[k]).end);
        }
        for (int t : committed) {
            long end = attempts.get(t).end;
            long horizon = minEndFrom[firstAfter(committedStarts, end)];
            for (int k = firstAfter(allStarts, end); k < all.length && allStarts[k] <= horizon; k++) {
                graph.add(t, all[k], EdgeType.RT, -1, 0);
            }
        }
    }

    /** The first index whose value is greater than {@code x} in the sorted array {@code a}. */
    private static int firstAfter(long[] a, long x) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    // ----------------------------------------------------------------- cycles

    private void findCycles() {
        boolean[] claimed = new boolean[attempts.size()];
        // Serializability, then strict serializability: committed transactions only.
        for (Set<EdgeType> level : List.of(WW, WW_WR, DATA, ALL)) {
            for (int[] scc : graph.cyclicComponents(level, i -> attempts.get(i).committed())) {
                if (claim(claimed, scc)) {
                    List<Edge> cycle = graph.cycleThrough(scc[0], scc, level);
                    report(committedCycleKind(level, cycle), describe(cycle), involved(cycle));
                }
            }
        }
        // Opacity: every attempt as a node; any cycle left goes through one that did not commit.
        for (Set<EdgeType> level : List.of(DATA, ALL)) {
            for (int[] scc : graph.cyclicComponents(level, i -> true)) {
                int start = -1;
                for (int m : scc) {
                    if (!attempts.get(m).committed()) {
                        start = m;
                        break;
                    }
                }
                if (start >= 0 && claim(claimed, scc)) {
                    List<Edge> cycle = graph.cycleThrough(start, scc, level);
                    report(Kind.INCONSISTENT_SNAPSHOT, attempts.get(start).id() + " (" + attempts.get(start).outcome()
                            + ") saw no single snapshot: " + describe(cycle), involved(cycle));
                }
            }
        }
    }

    /** Claims the nodes of {@code scc} unless one was already reported in another cycle. */
    private static boolean claim(boolean[] claimed, int[] scc) {
        for (int m : scc) {
            if (claimed[m]) {
                return false;
            }
        }
        for (int m : scc) {
            claimed[m] = true;
        }
        return true;
    }

    private static Kind committedCycleKind(Set<EdgeType> level, List<Edge> cycle) {
        if (level == WW) {
            return Kind.CYCLE_G0;
        }
        if (level == WW_WR) {
            return Kind.CYCLE_G1C;
        }
        if (level == DATA) {
            return cycle.stream().filter(e -> e.type() == EdgeType.RW).count() == 1
                    ? Kind.CYCLE_G_SINGLE : Kind.CYCLE_G2;
        }
        return Kind.CYCLE_REALTIME;
    }

    /** Adya's class of a cycle, from its edges. */
    private static String classOf(List<Edge> cycle) {
        long rw = cycle.stream().filter(e -> e.type() == EdgeType.RW).count();
        boolean onlyWw = cycle.stream().allMatch(e -> e.type() == EdgeType.WW);
        boolean rt = cycle.stream().anyMatch(e -> e.type() == EdgeType.RT);
        String base = rw == 0 ? (onlyWw ? "G0" : "G1c") : rw == 1 ? "G-single" : "G2";
        return rt ? base + "-realtime" : base;
    }

    private String describe(List<Edge> cycle) {
        StringBuilder sb = new StringBuilder(classOf(cycle)).append(" cycle: ");
        for (Edge e : cycle) {
            sb.append(attempts.get(e.from()).id()).append(' ').append(arrow(e)).append(' ');
        }
        return sb.append(attempts.get(cycle.get(0).from()).id()).toString();
    }

    private static String arrow(Edge e) {
        switch (e.type()) {
            case WW:
                return "-ww[r" + e.ref() + ": its " + e.value() + " replaced by]->";
            case WR:
                return "-wr[r" + e.ref() + "=" + e.value() + " read by]->";
            case RW:
                return "-rw[r" + e.ref() + ": read " + e.value() + ", which was replaced by]->";
            default:
                return "-rt[committed before the start of]->";
        }
    }

    private Attempt[] involved(List<Edge> cycle) {
        return cycle.stream().map(e -> attempts.get(e.from())).toArray(Attempt[]::new);
    }

    // -------------------------------------------------------------- reporting

    private void report(Kind kind, String summary, Attempt... involved) {
        int seen = counts.merge(kind, 1, Integer::sum);
        if (seen <= LIST_PER_KIND) {
            listed.add(new Anomaly(kind, summary, List.of(involved)));
        }
    }

    private Stats stats() {
        int committed = 0;
        int aborted = 0;
        int rolledBack = 0;
        for (Attempt a : attempts) {
            switch (a.outcome()) {
                case COMMITTED:
                    committed++;
                    break;
                case ABORTED:
                    aborted++;
                    break;
                default:
                    rolledBack++;
            }
        }
        return new Stats(attempts.size(), committed, aborted, rolledBack, externalReadCount, writeCount,
                graph.countOf(EdgeType.WW), graph.countOf(EdgeType.WR), graph.countOf(EdgeType.RW),
                graph.countOf(EdgeType.RT));
    }
}
