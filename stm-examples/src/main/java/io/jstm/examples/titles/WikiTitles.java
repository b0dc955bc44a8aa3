package io.jstm.examples.titles;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Generated encyclopedia titles, from a seed: articles such as "Battle of
 * Norvelin", "Dastemor Abbey", "Kalin Vorrat", "1843 Selvar Election" and,
 * for each article, its inverted redirect ("Norvelin, Battle of", "Vorrat,
 * Kalin"), as an encyclopedia keeps for index-style look-ups. An article and
 * its redirect are a <em>pair</em>: {@link #pair} maps each to the other, and
 * the index adds and removes both in one update.
 */
public final class WikiTitles {
    private WikiTitles() {}

    private static final String ONSETS = "bcdfghklmnprstvz";
    private static final String VOWELS = "aeiou";
    private static final String[] CODAS = {"", "", "", "", "", "n", "r", "l", "s", "m"};
    private static final String[] TOPICS = {"Battle", "River", "Castle", "Church", "Station", "University", "Lake",
            "Mount", "Bridge", "Museum", "Abbey", "Harbour", "Forest", "Treaty", "Siege", "Council", "Railway",
            "Cathedral", "Island", "Valley"};
    private static final String[] EVENTS = {"Election", "Rally", "Festival", "Flood", "Championship", "Expedition",
            "Census", "Fire", "Uprising", "Exhibition"};
    private static final String[] PLURALS = {"lakes", "bridges", "churches", "people", "rivers", "mountains",
            "villages", "schools"};

    /** The separator of a redirect's inverted word: "Norvelin, Battle of". Articles never contain it. */
    static final String INVERSION = ", ";

    /** {@code n} distinct article titles from {@code seed}, in generation order. */
    public static List<String> articles(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Set<String> out = new LinkedHashSet<>();
        StringBuilder sb = new StringBuilder(48);
        while (out.size() < n) {
            sb.setLength(0);
            out.add(article(rnd, sb));
        }
        return new ArrayList<>(out);
    }

    /** Whether {@code title} is a redirect (an inverted article title). */
    public static boolean isRedirect(String title) {
        return title.contains(INVERSION);
    }

    /**
     * The other title of {@code title}'s pair: an article's redirect (its last
     * word moved to the front: "Norvelin, Battle of"), or a redirect's article.
     *
     * @throws IllegalArgumentException for a one-word article, which has no redirect
     */
    public static String pair(String title) {
        int comma = title.indexOf(INVERSION);
        if (comma >= 0) {
            return title.substring(comma + INVERSION.length()) + ' ' + title.substring(0, comma);
        }
        int space = title.lastIndexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("'" + title + "' is one word: only titles of two or more words "
                    + "have a redirect");
        }
        return title.substring(space + 1) + INVERSION + title.substring(0, space);
    }

    private static String article(SplittableRandom rnd, StringBuilder sb) {
        int kind = rnd.nextInt(40);
        if (kind < 8) {
            sb.append(pick(rnd, TOPICS)).append(" of ").append(name(rnd));
        } else if (kind < 16) {
            sb.append(name(rnd)).append(' ').append(pick(rnd, TOPICS));
        } else if (kind < 31) {
            sb.append(name(rnd)).append(' ').append(name(rnd)); // a person
        } else if (kind < 35) {
            sb.append(1700 + rnd.nextInt(325)).append(' ').append(name(rnd)).append(' ').append(pick(rnd, EVENTS));
        } else if (kind < 39) {
            sb.append(name(rnd)).append(' ').append(name(rnd)).append(' ').append(pick(rnd, TOPICS));
        } else {
            sb.append("List of ").append(pick(rnd, PLURALS)).append(" in ").append(name(rnd));
        }
        return sb.toString();
    }

    /** A capitalised made-up name of two or three syllables: "Norvelin", "Dastemor". */
    private static String name(SplittableRandom rnd) {
        StringBuilder n = new StringBuilder(12);
        int syllables = 2 + rnd.nextInt(2);
        for (int s = 0; s < syllables; s++) {
            n.append(ONSETS.charAt(rnd.nextInt(ONSETS.length()))).append(VOWELS.charAt(rnd.nextInt(VOWELS.length())))
                    .append(CODAS[rnd.nextInt(CODAS.length)]);
        }
        n.setCharAt(0, Character.toUpperCase(n.charAt(0)));
        return n.toString();
    }

    private static String pick(SplittableRandom rnd, String[] words) {
        return words[rnd.nextInt(words.length)];
    }
}
