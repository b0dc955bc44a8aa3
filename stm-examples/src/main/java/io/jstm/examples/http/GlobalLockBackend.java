package io.jstm.examples.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The same handlers on a pool of the same size, each holding the store's one global lock. */
public final class GlobalLockBackend implements Backend {
    private final LockedStore store = new LockedStore();
    private final ExecutorService pool;

    public GlobalLockBackend(int threads) {
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "http-lock-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<Response> handle(Request r) {
        return CompletableFuture.supplyAsync(() -> {
            store.lock.lock();
            try {
                return Routes.handle(r, store);
            } finally {
                store.lock.unlock();
            }
        }, pool);
    }

    @Override
    public Store store() {
        return store;
    }

    @Override
    public String name() {
        return "global lock";
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
