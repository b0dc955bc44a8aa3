package io.jstm.examples.logs;

/**
 * Shared per-domain totals that parallel parsers add their chunks to; one
 * implementation on jstm, one under a global lock. {@link LogAggregation#addChunk}
 * is the same code over either.
 */
public interface Aggregator {
    /** Adds {@code requests} requests and {@code bytes} bytes to {@code domain}. */
    void add(String domain, long requests, long bytes);

    /** Adds {@code requests} requests with status class {@code statusClass} (1 .. 5) and {@code lines} lines. */
    void addStatus(int statusClass, long requests);

    /** Adds to the count of lines read. */
    void addLines(long lines);

    /** Everything so far, one consistent snapshot. */
    Totals totals();
}
