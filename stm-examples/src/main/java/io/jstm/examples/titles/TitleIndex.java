package io.jstm.examples.titles;

import io.jstm.LongRef;
import io.jstm.collections.TMap;
import io.jstm.collections.TSet;
import io.jstm.examples.common.Guard;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A prefix index of encyclopedia titles for search-as-you-type: articles, each
 * with its redirect ({@link WikiTitles#pair}), bucketed by their first
 * {@value #KEY_LENGTH} characters, each bucket sorted ({@link Bucket}). A
 * query finds its bucket, binary-searches the prefix and returns the first
 * matches in order, each with its pair; an update adds or removes an article
 * and its redirect together and adjusts the title count.
 *
 * <p>The same code runs over either state: on jstm ({@link #jstm}) a
 * {@link TMap} of buckets, a {@link TSet} of articles and a {@link LongRef}
 * count, every operation one transaction, so queries are read-only
 * transactions that see one snapshot and never abort, and updates to
 * different buckets commit in parallel; under one global lock
 * ({@link #locked}) a {@code HashMap}, a {@code HashSet} and a plain count.
 *
 * <p>Invariants, in every snapshot a query or {@link #audit()} can see: each
 * title's pair is in the index too, and the count equals the titles in the
 * buckets, twice the articles.
 */
public final class TitleIndex {
    /** Characters of a title that make its bucket key; queries need at least as many. */
    public static final int KEY_LENGTH = 3;

    /** The title count: a jstm counter or a plain one, read and bumped only inside the guard. */
    private interface Count {
        long get();

        void add(long delta);
    }

    private final Guard guard;
    private final Map<String, Bucket> buckets;
    private final Set<String> articles;
    private final Count titles;

    private TitleIndex(Guard guard, Map<String, Bucket> buckets, Set<String> articles, Count titles) {
        this.guard = guard;
        this.buckets = buckets;
        this.articles = articles;
        this.titles = titles;
    }

    /** An index of the corpus's articles and their redirects on jstm. */
    public static TitleIndex jstm(Corpus corpus) {
        LongRef count = LongRef.named("title count", 2L * corpus.articles().size());
        // One small transaction per article: as one big one (new TSet<>(articles)), 100,000 articles took 18 s.
        TSet<String> set = new TSet<>();
        for (String a : corpus.articles()) {
            set.add(a);
        }
        return new TitleIndex(Guard.jstm(), new TMap<>(corpus.buckets()), set, new Count() {
            @Override
            public long get() {
                return count.get();
            }

            @Override
            public void add(long delta) {
                count.commute(n -> n + delta); // updates never conflict on the count
            }
        });
    }

    /** The same index in plain collections under one global lock. */
    public static TitleIndex locked(Corpus corpus) {
        return plain(Guard.globalLock(), corpus.buckets(), corpus.articles());
    }

    /** The same index in plain collections, unguarded: for one thread only. */
    public static TitleIndex sequential(Corpus corpus) {
        return plain(Guard.none(), corpus.buckets(), corpus.articles());
    }

    /** An unguarded index over {@code buckets} as they are, for tests that need a broken one. */
    static TitleIndex over(Map<String, Bucket> buckets, Collection<String> articles) {
        return plain(Guard.none(), buckets, articles);
    }

    private static TitleIndex plain(Guard guard, Map<String, Bucket> buckets, Collection<String> articles) {
        long[] count = {2L * articles.size()};
        return new TitleIndex(guard, new HashMap<>(buckets), new HashSet<>(articles), new Count() {
            @Override
            public long get() {
                return count[0];
            }

            @Override
            public void add(long delta) {
                count[0] += delta;
            }
        });
    }

    /**
     * Adds {@code article} and its redirect, atomically.
     *
     * @return false if the article was already there (nothing changes)
     */
    public boolean add(String article) {
        checkArticle(article);
        return guard.atomic(() -> {
            if (!articles.add(article)) {
                return false;
            }
            insert(article);
            insert(WikiTitles.pair(article));
            titles.add(2);
            return true;
        });
    }

    /**
     * Removes {@code article} and its redirect, atomically.
     *
     * @return false if the article was not there (nothing changes)
     */
    public boolean remove(String article) {
        return guard.atomic(() -> {
            if (!articles.remove(article)) {
                return false;
            }
            delete(article);
            delete(WikiTitles.pair(article));
            titles.add(-2);
            return true;
        });
    }

    /**
     * The first {@code limit} titles starting with {@code prefix}, in order, each
     * with its pair; one snapshot (a read-only transaction on jstm).
     *
     * @throws IllegalArgumentException if the prefix is shorter than {@value #KEY_LENGTH} characters
     */
    public List<Hit> search(String prefix, int limit) {
        if (prefix.length() < KEY_LENGTH) {
            throw new IllegalArgumentException("search needs at least " + KEY_LENGTH + " characters, not '"
                    + prefix + "'");
        }
        return guard.atomic(() -> {
            List<Hit> hits = new ArrayList<>(Math.min(limit, 16));
            Bucket b = buckets.get(keyOf(prefix));
            if (b != null) {
                for (int i = b.firstAtLeast(prefix); i < b.size() && hits.size() < limit; i++) {
                    String title = b.get(i);
                    if (!title.startsWith(prefix)) {
                        break;
                    }
                    String pair = WikiTitles.pair(title);
                    hits.add(new Hit(title, containsTitle(pair) ? pair : null));
                }
            }
            return hits;
        });
    }

    /** Whether {@code title} (article or redirect) is in the index. */
    public boolean contains(String title) {
        return title.length() >= KEY_LENGTH && guard.atomic(() -> containsTitle(title));
    }

    /**
     * The count, the titles in the buckets and the articles, read in one snapshot
     * (consistent: {@code count == titles == 2 * articles}).
     */
    public Audit audit() {
        return guard.atomic(() -> {
            long inBuckets = 0;
            for (Bucket b : buckets.values()) {
                inBuckets += b.size();
            }
            return new Audit(titles.get(), inBuckets, articles.size());
        });
    }

    /** Every bucket's titles by key, one snapshot: what a rebuild must equal. */
    public SortedMap<String, List<String>> contents() {
        return guard.atomic(() -> {
            SortedMap<String, List<String>> out = new TreeMap<>();
            buckets.forEach((key, b) -> out.put(key, b.titles()));
            return out;
        });
    }

    /** The articles, one snapshot, sorted. */
    public List<String> articles() {
        List<String> out = guard.atomic(() -> new ArrayList<>(articles));
        Collections.sort(out);
        return out;
    }

    /**
     * One consistent reading of the index's sizes.
     *
     * @param count    the title count kept by updates
     * @param titles   the titles in the buckets
     * @param articles the articles
     */
    public record Audit(long count, long titles, long articles) {
        public boolean consistent() {
            return count == titles && titles == 2 * articles;
        }
    }

    private boolean containsTitle(String title) {
        Bucket b = buckets.get(keyOf(title));
        return b != null && b.contains(title);
    }

    private void insert(String title) {
        String key = keyOf(title);
        Bucket b = buckets.get(key);
        buckets.put(key, b == null ? Bucket.of(title) : b.with(title));
    }

    private void delete(String title) {
        String key = keyOf(title);
        Bucket b = buckets.get(key);
        if (b == null) {
            throw new IllegalStateException("'" + title + "' is not in the index");
        }
        Bucket rest = b.without(title);
        if (rest == null) {
            buckets.remove(key);
        } else {
            buckets.put(key, rest);
        }
    }

    static String keyOf(String title) {
        return title.substring(0, KEY_LENGTH);
    }

    static void checkArticle(String article) {
        if (article.length() < KEY_LENGTH || WikiTitles.isRedirect(article) || article.indexOf(' ') < 0) {
            throw new IllegalArgumentException("not an article title (two or more words, no \""
                    + WikiTitles.INVERSION + "\"): '" + article + "'");
        }
    }
}
