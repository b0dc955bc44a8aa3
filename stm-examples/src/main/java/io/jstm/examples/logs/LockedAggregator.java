package io.jstm.examples.logs;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The same totals in plain maps under one global lock, which
 * {@link LogAggregation#runLocked} also holds around each whole chunk, as a GIL would.
 */
public final class LockedAggregator implements Aggregator {
    final ReentrantLock lock = new ReentrantLock();
    private final Map<String, long[]> domains = new HashMap<>();
    private final long[] byStatusClass = new long[5];
    private long lines;

    @Override
    public void add(String domain, long requests, long bytes) {
        lock.lock();
        try {
            long[] c = domains.computeIfAbsent(domain, d -> new long[2]);
            c[0] += requests;
            c[1] += bytes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void addStatus(int statusClass, long requests) {
        lock.lock();
        try {
            byStatusClass[statusClass - 1] += requests;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void addLines(long n) {
        lock.lock();
        try {
            lines += n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Totals totals() {
        lock.lock();
        try {
            Map<String, Long> requests = new HashMap<>();
            Map<String, Long> bytes = new HashMap<>();
            domains.forEach((d, c) -> {
                requests.put(d, c[0]);
                bytes.put(d, c[1]);
            });
            return Totals.of(requests, bytes, byStatusClass, lines);
        } finally {
            lock.unlock();
        }
    }
}
