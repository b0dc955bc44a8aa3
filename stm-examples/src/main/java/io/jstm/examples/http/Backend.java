package io.jstm.examples.http;

import java.util.concurrent.CompletableFuture;

/**
 * Where the handlers run: on jstm's {@link io.jstm.dispatch.EventDispatcher}
 * ({@link StmBackend}) or on a pool of the same size under one lock
 * ({@link GlobalLockBackend}). The future completes once the handler's effects
 * are committed (or the lock released); the server writes the response then.
 */
public interface Backend extends AutoCloseable {
    /** Runs {@link Routes#handle} for {@code r}, atomically, off the caller's thread. */
    CompletableFuture<Response> handle(Request r);

    Store store();

    /** A short name for reports. */
    String name();

    /** Finishes what was accepted, then stops the pool. */
    @Override
    void close();
}
