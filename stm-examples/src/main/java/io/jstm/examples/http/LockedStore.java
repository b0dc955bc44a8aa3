package io.jstm.examples.http;

import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The same store under one global lock: plain {@link HashMap}s, every method
 * holding {@link #lock}, which {@link GlobalLockBackend} also holds around a
 * whole handler (it is reentrant), as a GIL would.
 */
public final class LockedStore implements Store {
    final ReentrantLock lock = new ReentrantLock();
    private final Map<String, long[]> hits = new HashMap<>();
    private final Map<String, String> kv = new HashMap<>();

    @Override
    public void hit(String path) {
        lock.lock();
        try {
            hits.computeIfAbsent(path, p -> new long[1])[0]++;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void hitAfterCommit(String path) {
        hit(path);
    }

    @Override
    public long hits(String path) {
        lock.lock();
        try {
            long[] counter = hits.get(path);
            return counter == null ? 0 : counter[0];
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SortedMap<String, Long> hits() {
        lock.lock();
        try {
            SortedMap<String, Long> all = new TreeMap<>();
            hits.forEach((path, counter) -> all.put(path, counter[0]));
            return all;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String get(String key) {
        lock.lock();
        try {
            return kv.get(key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String put(String key, String value) {
        lock.lock();
        try {
            return kv.put(key, value);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String delete(String key) {
        lock.lock();
        try {
            return kv.remove(key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return kv.size();
        } finally {
            lock.unlock();
        }
    }
}
