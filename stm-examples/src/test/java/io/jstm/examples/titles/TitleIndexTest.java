package io.jstm.examples.titles;

import io.jstm.examples.common.Workers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class TitleIndexTest {

    @Test
    void anArticleAndItsRedirectArePairsOfEachOther() {
        assertEquals("Norvelin, Battle of", WikiTitles.pair("Battle of Norvelin"));
        assertEquals("Battle of Norvelin", WikiTitles.pair("Norvelin, Battle of"));
        assertEquals("Vorrat, Kalin", WikiTitles.pair("Kalin Vorrat"));
        assertTrue(WikiTitles.isRedirect("Vorrat, Kalin"));
        assertFalse(WikiTitles.isRedirect("Kalin Vorrat"));
        for (String a : WikiTitles.articles(2_000, 3)) {
            assertFalse(WikiTitles.isRedirect(a), a);
            assertEquals(a, WikiTitles.pair(WikiTitles.pair(a)));
        }
        assertThrows(IllegalArgumentException.class, () -> WikiTitles.pair("Norvelin"));
    }

    @Test
    void theTitlesAreDistinctAndTheSameForTheSameSeed() {
        List<String> a = WikiTitles.articles(5_000, 11);
        assertEquals(a, WikiTitles.articles(5_000, 11));
        assertEquals(a.size(), new HashSet<>(a).size());
        assertNotEquals(a, WikiTitles.articles(5_000, 12));
    }

    @Test
    void searchReturnsTheFirstMatchesInOrderAsABruteForceScanDoes() {
        List<String> articles = WikiTitles.articles(3_000, 5);
        TreeSet<String> all = new TreeSet<>();
        for (String a : articles) {
            all.add(a);
            all.add(WikiTitles.pair(a));
        }
        Corpus corpus = Corpus.of(articles);
        List<TitleIndex> indexes = List.of(TitleIndex.sequential(corpus), TitleIndex.jstm(corpus),
                TitleIndex.locked(corpus));
        SplittableRandom rnd = new SplittableRandom(1);
        List<String> titles = new ArrayList<>(all);
        int nonEmpty = 0;
        for (int q = 0; q < 400; q++) {
            String t = titles.get(rnd.nextInt(titles.size()));
            String prefix = q % 10 == 0 ? t.substring(0, 3) + "zzz" : t.substring(0, Math.min(t.length(), 3 + rnd.nextInt(6)));
            int limit = 1 + rnd.nextInt(12);
            List<String> expected = new ArrayList<>();
            for (String s : all.tailSet(prefix)) {
                if (!s.startsWith(prefix) || expected.size() == limit) {
                    break;
                }
                expected.add(s);
            }
            nonEmpty += expected.isEmpty() ? 0 : 1;
            for (TitleIndex index : indexes) {
                List<Hit> hits = index.search(prefix, limit);
                assertEquals(expected, hits.stream().map(Hit::title).toList(), prefix);
                for (Hit h : hits) {
                    assertEquals(WikiTitles.pair(h.title()), h.pair());
                }
            }
        }
        assertTrue(nonEmpty > 300, "most prefixes should match something: " + nonEmpty);
        assertThrows(IllegalArgumentException.class, () -> indexes.get(0).search("Ba", 5));
    }

    @Test
    void aHitWhosePairIsMissingFromTheSnapshotIsReportedBroken() {
        Corpus corpus = Corpus.of(List.of("Battle of Norvelin", "Kalin Vorrat"));
        Map<String, Bucket> torn = new HashMap<>(corpus.buckets());
        assertNotNull(torn.remove("Nor")); // the redirect's bucket, as if an update were seen half done
        TitleIndex index = TitleIndex.over(torn, corpus.articles());
        List<Hit> hits = index.search("Bat", 10);
        assertEquals(List.of(new Hit("Battle of Norvelin", null)), hits);
        assertTrue(hits.get(0).broken());
        assertFalse(index.audit().consistent());
        assertTrue(TitleIndex.sequential(corpus).audit().consistent());
    }

    @Test
    void updatesLeaveTheIndexEqualToARebuildFromItsArticles() {
        List<String> articles = WikiTitles.articles(2_000, 9);
        TitleIndex index = TitleIndex.jstm(Corpus.of(articles.subList(0, 1_500)));
        Set<String> expected = new TreeSet<>(articles.subList(0, 1_500));
        for (int i = 0; i < 500; i++) {
            assertTrue(index.add(articles.get(1_500 + i)));
            expected.add(articles.get(1_500 + i));
            assertTrue(index.remove(articles.get(3 * i)));
            expected.remove(articles.get(3 * i));
        }
        assertFalse(index.add(articles.get(1)), "already there");
        assertFalse(index.remove(articles.get(0)), "already removed");
        assertEquals(new ArrayList<>(expected), index.articles());
        assertEquals(Corpus.of(expected).contents(), index.contents());
        assertTrue(index.audit().consistent(), index.audit().toString());
        assertEquals(new TitleIndex.Audit(2L * expected.size(), 2L * expected.size(), expected.size()), index.audit());
        assertFalse(index.contains(articles.get(0)));
        assertTrue(index.contains(WikiTitles.pair(articles.get(1_999))));
    }

    @Test
    void trafficChangesEachArticleAtMostOnceSoTheFinalArticlesAreKnown() {
        Traffic t = Traffic.generate(5_000, 20_000, 30, 4);
        Set<String> touched = new HashSet<>();
        Set<String> finalSet = new HashSet<>(t.initial());
        for (Op op : t.ops()) {
            if (op.kind() == Op.Kind.ADD || op.kind() == Op.Kind.REMOVE) {
                assertTrue(touched.add(op.text()), "changed twice: " + op.text());
                assertEquals(op.kind() == Op.Kind.REMOVE, t.initial().contains(op.text()), op.toString());
                if (op.kind() == Op.Kind.ADD) {
                    finalSet.add(op.text());
                } else {
                    finalSet.remove(op.text());
                }
            }
        }
        assertEquals(new ArrayList<>(new TreeSet<>(finalSet)), t.expected());
        assertTrue(t.count(Op.Kind.ADD) > 2_500 && t.count(Op.Kind.REMOVE) > 2_500, t.count(Op.Kind.REMOVE) + " removes");
        assertEquals(20, t.count(Op.Kind.AUDIT));
        assertEquals(List.of(t.ops()), List.of(Traffic.generate(5_000, 20_000, 30, 4).ops()));
    }

    @Test
    void parallelTrafficEndsWithTheExpectedIndexAndNoQuerySeesATornUpdate() {
        Traffic traffic = Traffic.generate(5_000, 40_000, 20, 7);
        Corpus corpus = Corpus.of(traffic.initial());
        for (Outcome out : List.of(Replay.run(TitleIndex.jstm(corpus), traffic, 2),
                Replay.run(TitleIndex.jstm(corpus), traffic, 3), Replay.run(TitleIndex.locked(corpus), traffic, 2),
                Replay.run(TitleIndex.sequential(corpus), traffic, 1))) {
            assertEquals(List.of(), out.problems(traffic));
            assertEquals(traffic.count(Op.Kind.QUERY), out.queries());
            assertEquals(traffic.count(Op.Kind.ADD) + traffic.count(Op.Kind.REMOVE), out.updates());
            assertEquals(traffic.count(Op.Kind.AUDIT), out.audits());
            assertTrue(out.hits() > out.queries(), "queries should find titles: " + out);
        }
    }

    @Test
    void theChecksFailAnOutcomeThatDiffersFromTheTraffic() {
        Traffic traffic = Traffic.generate(500, 2_000, 20, 8);
        Corpus corpus = Corpus.of(traffic.initial());
        TitleIndex index = TitleIndex.sequential(corpus);
        Outcome right = Replay.run(index, traffic, 1);
        assertEquals(List.of(), right.problems(traffic));
        index.remove(traffic.expected().get(0)); // one update too many
        assertEquals(1, right.problems(traffic).size(), right.problems(traffic).toString());
        Outcome torn = new Outcome(1, 1, 1, 0, 0, 0, 0, Replay.run(TitleIndex.sequential(corpus), traffic, 1).index());
        assertEquals(1, torn.problems(traffic).size());
    }

    @Test
    void aQueryNeverSeesAnArticleWithoutItsRedirectWhileBothAreAddedAndRemoved() {
        // Articles "Tower of Nam<i>" (bucket "Tow") with redirects "Nam<i>, Tower of" (bucket "Nam"): an
        // update writes both buckets, a query reads one and looks up the other.
        List<String> steady = new ArrayList<>();
        List<String> toggled = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            (i % 2 == 0 ? steady : toggled).add("Tower of Nam" + (char) ('a' + i / 26) + (char) ('a' + i % 26));
        }
        TitleIndex index = TitleIndex.jstm(Corpus.of(steady));
        AtomicLong hits = new AtomicLong();
        AtomicLong broken = new AtomicLong();
        AtomicLong badAudits = new AtomicLong();
        Workers.run("torn-check", 2, w -> {
            if (w == 0) {
                for (int round = 0; round < 300; round++) {
                    toggled.forEach(index::add);
                    toggled.forEach(index::remove);
                }
            } else {
                for (int q = 0; q < 6_000; q++) {
                    for (Hit h : index.search(q % 2 == 0 ? "Tow" : "Nam", 40)) {
                        hits.incrementAndGet();
                        if (h.broken()) {
                            broken.incrementAndGet();
                        }
                    }
                    if (!index.audit().consistent()) {
                        badAudits.incrementAndGet();
                    }
                }
            }
        });
        assertEquals(0, broken.get());
        assertEquals(0, badAudits.get());
        assertTrue(hits.get() >= 6_000L * steady.size());
        assertEquals(Corpus.of(steady).contents(), index.contents());
    }
}
