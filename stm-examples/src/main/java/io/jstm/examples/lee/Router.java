package io.jstm.examples.lee;

/**
 * One way to lay every route of a board: {@link Sequential} (plain arrays, the
 * floor), {@link GlobalLock} (one lock around each route) and {@link Jstm} (one
 * transaction per route). Each call starts from an empty depth grid.
 */
public interface Router {
    /** A short label for tables: "sequential", "global lock", "jstm". */
    String name();

    /**
     * Lays every route of {@code board} with {@code threads} worker threads taking
     * routes in board order, and returns the result (not yet validated).
     *
     * @throws IllegalArgumentException if this router cannot use that many threads
     */
    Solution route(Board board, int threads);
}
