package io.jstm.examples.titles;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A set of articles sorted into the index's buckets at once, by sorting
 * every title (not by inserting them one by one as updates do): the state an
 * index starts from, and the sequential rebuild a final index must equal.
 * Immutable, so any number of indexes can start from one corpus.
 */
public final class Corpus {
    private final List<String> articles;
    /** Never written after construction; its buckets are immutable too. */
    private final Map<String, Bucket> buckets;

    private Corpus(List<String> articles, Map<String, Bucket> buckets) {
        this.articles = articles;
        this.buckets = buckets;
    }

    /**
     * The articles and their redirects, in buckets.
     *
     * @throws IllegalArgumentException if one is not an article title (see {@link WikiTitles}) or is there twice
     */
    public static Corpus of(Collection<String> articles) {
        List<String> all = new ArrayList<>(2 * articles.size());
        for (String a : articles) {
            TitleIndex.checkArticle(a);
            all.add(a);
            all.add(WikiTitles.pair(a));
        }
        Collections.sort(all);
        Map<String, Bucket> buckets = new HashMap<>();
        int from = 0;
        for (int i = 1; i <= all.size(); i++) {
            if (i == all.size() || !TitleIndex.keyOf(all.get(i)).equals(TitleIndex.keyOf(all.get(from)))) {
                buckets.put(TitleIndex.keyOf(all.get(from)), Bucket.ofSorted(all.subList(from, i)));
                from = i;
            } else if (all.get(i).equals(all.get(i - 1))) {
                throw new IllegalArgumentException("'" + all.get(i) + "' is given twice");
            }
        }
        return new Corpus(List.copyOf(articles), Collections.unmodifiableMap(buckets));
    }

    public List<String> articles() {
        return articles;
    }

    Map<String, Bucket> buckets() {
        return buckets;
    }

    /** Every bucket's titles by key, in the form of {@link TitleIndex#contents()}. */
    public SortedMap<String, List<String>> contents() {
        SortedMap<String, List<String>> out = new TreeMap<>();
        buckets.forEach((key, b) -> out.put(key, b.titles()));
        return out;
    }
}
