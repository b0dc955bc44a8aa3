package io.jstm.examples.titles;

import io.jstm.examples.common.BestOf;
import io.jstm.examples.common.BestOf.Timed;
import io.jstm.examples.common.Options;

import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.function.Predicate;

/**
 * Title search (the PyParallel Wikipedia demo): a prefix index over a few
 * hundred thousand generated encyclopedia titles, queried by worker threads
 * while updates (new and deleted articles) arrive, on jstm (queries are
 * read-only transactions, updates write transactions) against the same code
 * under one global lock. Every run is checked: no query may see an article
 * without its redirect (updates add and remove both at once), every audit's
 * count must agree, and the final index must equal a sequential rebuild from
 * the final articles.
 *
 * <p>Usage: {@code titles [articles=100000] [threads=2] [--requests=100000] [--updates=10] [--seed=42]
 * [--runs=2] [--trace]} ({@code --updates}: percent of requests that are updates; times are the best of
 * {@code runs})
 */
public final class TitlesDemo {
    private TitlesDemo() {}

    private static final String USAGE = "titles [articles] [threads] [--requests=N] [--updates=PERCENT] [--seed=N] "
            + "[--runs=N] [--trace]";

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        Options o = Options.parse(args, USAGE, 2, "requests=", "updates=", "seed=", "runs=", "trace");
        int articles = o.positional(0, 100_000);
        int threads = o.positional(1, 2);
        int requests = o.intValue("requests", 100_000);
        int updates = o.intValue("updates", 10);
        long seed = o.longValue("seed", 42);
        int runs = o.intValue("runs", 2);
        boolean trace = o.flag("trace");

        long t0 = System.nanoTime();
        Traffic traffic = Traffic.generate(articles, requests, updates, seed);
        Corpus corpus = Corpus.of(traffic.initial());
        SortedMap<String, List<String>> expectedIndex = Corpus.of(traffic.expected()).contents();
        System.out.printf("titles: %,d generated articles + their redirects = %,d titles in %,d buckets "
                        + "(seed %d, %.0f ms); %,d requests: %,d queries, %,d adds, %,d removes, %,d audits; "
                        + "%d threads; %d cores; best of %d runs%n", articles, 2L * articles,
                corpus.contents().size(), seed, (System.nanoTime() - t0) / 1e6, requests,
                traffic.count(Op.Kind.QUERY), traffic.count(Op.Kind.ADD), traffic.count(Op.Kind.REMOVE),
                traffic.count(Op.Kind.AUDIT), threads, Runtime.getRuntime().availableProcessors(), runs);

        // Warm-up on a small index, so the timed runs measure compiled code.
        Traffic small = Traffic.generate(10_000, 40_000, updates, seed + 1);
        Corpus smallCorpus = Corpus.of(small.initial());
        Replay.run(TitleIndex.sequential(smallCorpus), small, 1);
        Replay.run(TitleIndex.jstm(smallCorpus), small, threads);
        Replay.run(TitleIndex.locked(smallCorpus), small, threads);

        Predicate<Outcome> check = out -> out.problems(traffic, expectedIndex).isEmpty();
        Timed<Outcome> seq = BestOf.time(runs, () -> TitleIndex.sequential(corpus),
                index -> Replay.run(index, traffic, 1), check);
        Timed<Outcome> stm = BestOf.timeStm(runs, trace, () -> TitleIndex.jstm(corpus),
                index -> Replay.run(index, traffic, threads), check);
        Timed<Outcome> lock = BestOf.time(runs, () -> TitleIndex.locked(corpus),
                index -> Replay.run(index, traffic, threads), check);

        BestOf.printComparison("requests", requests, threads, seq, stm, lock);

        Outcome out = stm.result();
        System.out.printf("%njstm run: %,d queries returned %,d titles (%.1f a query), %,d without their pair; "
                        + "%,d updates, %,d failed; %,d audits, %,d inconsistent%n", out.queries(), out.hits(),
                out.hits() / (double) Math.max(1, out.queries()), out.brokenHits(), out.updates(),
                out.failedUpdates(), out.audits(), out.badAudits());
        String prefix = traffic.expected().get(0).substring(0, TitleIndex.KEY_LENGTH + 1);
        System.out.printf("final index: %,d articles; '%s' ->%n", traffic.expected().size(), prefix);
        for (Hit h : out.index().search(prefix, 5)) {
            System.out.printf("  %-36s (pair: %s)%n", h.title(), h.pair());
        }
        report("sequential", seq, traffic, expectedIndex);
        report("jstm", stm, traffic, expectedIndex);
        report("global lock", lock, traffic, expectedIndex);
        if (!seq.allCorrect() || !stm.allCorrect() || !lock.allCorrect()) {
            System.out.println("FAILED: a run's index or snapshots were wrong");
            System.exit(1);
        }
    }

    private static void report(String variant, Timed<Outcome> t, Traffic traffic,
                               SortedMap<String, List<String>> expectedIndex) {
        List<String> problems = t.result().problems(traffic, expectedIndex);
        if (problems.isEmpty() && t.allCorrect()) {
            System.out.printf("%s: final index equals a sequential rebuild from its %,d articles%n", variant,
                    traffic.expected().size());
        } else {
            System.out.printf("%s: WRONG%s: %s%n", variant, t.allCorrect() ? "" : " (in some run)", problems);
        }
    }
}
