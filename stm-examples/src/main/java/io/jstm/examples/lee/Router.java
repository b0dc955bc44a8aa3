package io.jstm.examples.lee;

/**
 * One way to lay every route of a board: {@link Sequential} (plain arrays, the
 * floor), {@link GlobalLock} (one lock around each route) and the
 * {@link StmRouter}s (one transaction per route: {@link Jstm} here, other STMs
 * in the benchmarks module). Each routing starts from an empty depth grid.
 */
public interface Router {
    /** A short label for tables: "sequential", "global lock", "jstm". */
    String name();

    /**
     * Builds everything routing {@code board} on {@code threads} worker threads
     * needs (the empty shared depth grid, one path finder per worker) and routes
     * nothing yet. Benchmarks call this outside the timed region and time only
     * {@link Routing#run()}.
     *
     * @throws IllegalArgumentException if this router cannot use that many threads
     */
    Routing prepare(Board board, int threads);

    /**
     * Lays every route of {@code board} with {@code threads} worker threads taking
     * routes in board order, and returns the result (not yet validated).
     *
     * @throws IllegalArgumentException if this router cannot use that many threads
     */
    default Solution route(Board board, int threads) {
        Routing routing = prepare(board, threads);
        routing.run();
        return routing.solution();
    }

    /** One board's routing, prepared and not yet started: {@link #run()} it once, then read its {@link #solution()}. */
    interface Routing {
        /**
         * Lays every route of the board, on the prepared workers, and returns when
         * the last one is done.
         *
         * @throws IllegalStateException if it has run before, or a worker failed (the cause is the worker's exception)
         */
        void run();

        /**
         * The paths laid and the final depth grid; reads the grid, so call it after
         * {@link #run()} and outside the timed region.
         *
         * @throws IllegalStateException if {@link #run()} has not completed
         */
        Solution solution();
    }
}
