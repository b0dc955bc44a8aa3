package io.jstm.examples.http;

import java.util.SortedMap;

/**
 * The server's shared state: a hit counter per path and a small key-value
 * store. One implementation on jstm, one under a global lock; the handlers
 * ({@link Routes}) are the same code over either. Every method is atomic on
 * its own; the backends also run a whole handler atomically.
 */
public interface Store {
    /** Counts one request for {@code path}. */
    void hit(String path);

    /**
     * Counts one request for {@code path} once the caller's transaction has
     * committed, in a transaction of its own (at once when not in one). For a
     * handler that reads many counters: counting in the same transaction would
     * make it an update transaction whose reads must all still be current at
     * commit, so it would abort whenever any of them is bumped meanwhile;
     * without the write it stays read-only, and read-only transactions never abort.
     */
    void hitAfterCommit(String path);

    /** The hits of one path so far (0 if none). */
    long hits(String path);

    /** Every path's hits, one consistent snapshot, sorted by path. */
    SortedMap<String, Long> hits();

    /** The value under {@code key}, or null. */
    String get(String key);

    /** Stores {@code value} under {@code key}; returns the previous value or null. */
    String put(String key, String value);

    /** Removes {@code key}; returns its value or null. */
    String delete(String key);

    /** The number of keys. */
    int size();
}
