package io.jstm.examples.titles;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * What serving some traffic did, and the index it left.
 *
 * @param queries       queries answered
 * @param hits          titles returned, over all queries
 * @param brokenHits    titles returned whose pair was missing from the same snapshot (must be 0)
 * @param updates       updates applied
 * @param failedUpdates updates that found their article already there, or already gone (must be 0)
 * @param audits        audits made
 * @param badAudits     audits whose count, titles and articles disagreed (must be 0)
 * @param index         the index, as the traffic left it
 */
public record Outcome(long queries, long hits, long brokenHits, long updates, long failedUpdates, long audits,
                      long badAudits, TitleIndex index) {

    /**
     * What is wrong with this outcome of {@code traffic}, one line per check that
     * failed; empty if it is right: no torn snapshot seen, every update applied,
     * the final articles as {@link Traffic#expected()}, and the final index equal
     * to a sequential rebuild from its articles.
     */
    public List<String> problems(Traffic traffic) {
        return problems(traffic, Corpus.of(traffic.expected()).contents());
    }

    /**
     * {@link #problems(Traffic)}, given the rebuild from {@link Traffic#expected()}
     * (the same as a rebuild from the final articles if those are as expected),
     * so that a demo checking several runs sorts the titles once.
     */
    public List<String> problems(Traffic traffic, SortedMap<String, List<String>> expectedIndex) {
        List<String> articles = index.articles();
        List<String> out = new ArrayList<>();
        if (brokenHits != 0) {
            out.add(brokenHits + " hits came without their pair: a query saw an update half done");
        }
        if (badAudits != 0) {
            out.add(badAudits + " of " + audits + " audits found count, titles and articles disagreeing");
        }
        if (failedUpdates != 0) {
            out.add(failedUpdates + " updates found their article already added or already removed");
        }
        if (!articles.equals(traffic.expected())) {
            out.add("final articles differ from the expected ones (" + articles.size() + " vs "
                    + traffic.expected().size() + ")");
        }
        if (!index.contents().equals(articles.equals(traffic.expected()) ? expectedIndex
                : Corpus.of(articles).contents())) {
            out.add("the final index differs from a sequential rebuild from its articles");
        }
        return out;
    }
}
