package io.jstm.examples.common;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * A fixed number of worker threads running the same loop: starts them, waits
 * for all of them, and rethrows the first failure. Everything the workers wrote
 * is visible to the caller afterwards ({@link Thread#join} orders it).
 */
public final class Workers {
    private Workers() {}

    /**
     * Runs {@code body.accept(w)} on threads {@code name-0 .. name-(threads-1)}
     * and returns when all have finished.
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     * @throws RuntimeException         the first worker's exception (others added as suppressed),
     *                                  wrapped if it was checked
     */
    public static void run(String name, int threads, IntConsumer body) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>(threads);
        for (int w = 0; w < threads; w++) {
            int index = w;
            workers.add(new Thread(() -> {
                try {
                    body.accept(index);
                } catch (Throwable e) {
                    if (!failure.compareAndSet(null, e)) {
                        failure.get().addSuppressed(e);
                    }
                }
            }, name + "-" + w));
        }
        for (Thread t : workers) {
            t.start();
        }
        try {
            for (Thread t : workers) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.forEach(Thread::interrupt);
            throw new IllegalStateException("interrupted while waiting for the " + name + " workers", e);
        }
        Throwable first = failure.get();
        if (first instanceof RuntimeException r) {
            throw r;
        } else if (first instanceof Error e) {
            throw e;
        } else if (first != null) {
            throw new IllegalStateException(name + " worker failed", first);
        }
    }
}
