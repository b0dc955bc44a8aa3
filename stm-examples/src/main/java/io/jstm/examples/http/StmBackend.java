package io.jstm.examples.http;

import io.jstm.dispatch.EventDispatcher;

import java.util.concurrent.CompletableFuture;

/** Each request's handler is one transaction submitted to an {@link EventDispatcher}. */
public final class StmBackend implements Backend {
    private final StmStore store = new StmStore();
    private final EventDispatcher dispatcher;

    public StmBackend(int threads) {
        dispatcher = EventDispatcher.builder().threads(threads).name("http-jstm").build();
    }

    @Override
    public CompletableFuture<Response> handle(Request r) {
        return dispatcher.submit(() -> Routes.handle(r, store));
    }

    @Override
    public Store store() {
        return store;
    }

    @Override
    public String name() {
        return "jstm";
    }

    @Override
    public void close() {
        dispatcher.close();
    }
}
