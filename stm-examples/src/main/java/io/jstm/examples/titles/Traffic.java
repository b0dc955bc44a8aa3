package io.jstm.examples.titles;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A title service's requests, generated from a seed: mostly prefix queries
 * (typed prefixes of existing or new titles, 3 to 10 characters), some updates
 * (new articles added, existing ones removed) and an audit every
 * {@value #AUDIT_EVERY} requests.
 *
 * <p>Every update touches a different article: removals pick distinct initial
 * articles, additions distinct new ones. So whatever order parallel workers
 * apply them in, the final set of articles is {@link #expected()}.
 *
 * @param initial the articles indexed before the traffic starts
 * @param ops     the requests, in arrival order
 * @param expected the articles after every update (initial minus removed plus added), sorted
 */
public record Traffic(List<String> initial, Op[] ops, List<String> expected) {
    public static final int AUDIT_EVERY = 1000;

    /**
     * @param articles      articles indexed at the start
     * @param requests      requests to generate
     * @param updatePercent the share of requests that are updates, half adds and half removes
     */
    public static Traffic generate(int articles, int requests, int updatePercent, long seed) {
        if (updatePercent < 0 || updatePercent > 100) {
            throw new IllegalArgumentException("updatePercent must be 0..100, not " + updatePercent);
        }
        // First the kinds, so that exactly as many new articles are generated as are added.
        SplittableRandom rnd = new SplittableRandom(seed);
        Op.Kind[] kinds = new Op.Kind[requests];
        int adds = 0;
        int removes = 0;
        for (int i = 0; i < requests; i++) {
            if (i % AUDIT_EVERY == AUDIT_EVERY - 1) {
                kinds[i] = Op.Kind.AUDIT;
            } else if (rnd.nextInt(100) >= updatePercent) {
                kinds[i] = Op.Kind.QUERY;
            } else if (rnd.nextBoolean() && removes < articles) {
                kinds[i] = Op.Kind.REMOVE;
                removes++;
            } else {
                kinds[i] = Op.Kind.ADD;
                adds++;
            }
        }
        List<String> all = WikiTitles.articles(articles + adds, seed);
        List<String> initial = List.copyOf(all.subList(0, articles));
        List<String> removable = new ArrayList<>(initial);
        Collections.shuffle(removable, new Random(seed));

        TreeSet<String> expected = new TreeSet<>(initial);
        Op[] ops = new Op[requests];
        int added = 0;
        int removed = 0;
        for (int i = 0; i < requests; i++) {
            String text = switch (kinds[i]) {
                case AUDIT -> "";
                case REMOVE -> removable.get(removed++);
                case ADD -> all.get(articles + added++);
                case QUERY -> typedPrefix(all, rnd);
            };
            if (kinds[i] == Op.Kind.REMOVE) {
                expected.remove(text);
            } else if (kinds[i] == Op.Kind.ADD) {
                expected.add(text);
            }
            ops[i] = new Op(kinds[i], text);
        }
        return new Traffic(initial, ops, List.copyOf(expected));
    }

    /** A prefix of some title, initial or to come, article or redirect: some find nothing (yet). */
    private static String typedPrefix(List<String> articles, SplittableRandom rnd) {
        String title = articles.get(rnd.nextInt(articles.size()));
        if (rnd.nextBoolean()) {
            title = WikiTitles.pair(title);
        }
        return title.substring(0, Math.min(title.length(), TitleIndex.KEY_LENGTH + rnd.nextInt(8)));
    }

    /** Requests of {@code kind}. */
    public long count(Op.Kind kind) {
        long n = 0;
        for (Op op : ops) {
            if (op.kind() == kind) {
                n++;
            }
        }
        return n;
    }
}
