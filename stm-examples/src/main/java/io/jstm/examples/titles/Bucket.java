package io.jstm.examples.titles;

import java.util.Arrays;
import java.util.List;

/**
 * The titles sharing one index key (their first {@value TitleIndex#KEY_LENGTH}
 * characters), sorted: an immutable, never empty array, so a query finds a
 * prefix by binary search and an update replaces the whole bucket with a
 * changed copy (copy-on-write: a transaction that rolls back simply drops its copy).
 */
final class Bucket {
    /** Sorted, distinct; never written after construction. */
    private final String[] titles;

    private Bucket(String[] titles) {
        this.titles = titles;
    }

    /** A bucket of the sorted, distinct, non-empty {@code titles}. */
    static Bucket ofSorted(List<String> titles) {
        if (titles.isEmpty()) {
            throw new IllegalArgumentException("a bucket is never empty: remove its key instead");
        }
        return new Bucket(titles.toArray(String[]::new));
    }

    static Bucket of(String title) {
        return new Bucket(new String[] {title});
    }

    int size() {
        return titles.length;
    }

    String get(int i) {
        return titles[i];
    }

    boolean contains(String title) {
        return Arrays.binarySearch(titles, title) >= 0;
    }

    /** The index of the first title not less than {@code s} (the bucket's size if none). */
    int firstAtLeast(String s) {
        int i = Arrays.binarySearch(titles, s);
        return i >= 0 ? i : -i - 1;
    }

    /**
     * A copy with {@code title} added.
     *
     * @throws IllegalStateException if it is already here: an index holds each title once
     */
    Bucket with(String title) {
        int i = Arrays.binarySearch(titles, title);
        if (i >= 0) {
            throw new IllegalStateException("'" + title + "' is already in the index");
        }
        int at = -i - 1;
        String[] copy = new String[titles.length + 1];
        System.arraycopy(titles, 0, copy, 0, at);
        copy[at] = title;
        System.arraycopy(titles, at, copy, at + 1, titles.length - at);
        return new Bucket(copy);
    }

    /**
     * A copy without {@code title}, or null if that leaves it empty.
     *
     * @throws IllegalStateException if {@code title} is not here
     */
    Bucket without(String title) {
        int at = Arrays.binarySearch(titles, title);
        if (at < 0) {
            throw new IllegalStateException("'" + title + "' is not in the index");
        }
        if (titles.length == 1) {
            return null;
        }
        String[] copy = new String[titles.length - 1];
        System.arraycopy(titles, 0, copy, 0, at);
        System.arraycopy(titles, at + 1, copy, at, titles.length - at - 1);
        return new Bucket(copy);
    }

    List<String> titles() {
        return List.of(titles);
    }
}
