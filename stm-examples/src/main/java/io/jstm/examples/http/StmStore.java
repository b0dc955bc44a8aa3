package io.jstm.examples.http;

import io.jstm.LongRef;
import io.jstm.Stm;
import io.jstm.collections.TMap;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The store on jstm: a {@link TMap} of per-path {@link LongRef} counters bumped
 * with {@link LongRef#commute} (concurrent hits on one path never conflict;
 * only the first hit of a new path inserts into the map), and a {@link TMap}
 * for the key-value store (requests on different keys never conflict).
 */
public final class StmStore implements Store {
    private final TMap<String, LongRef> hits = new TMap<>();
    private final TMap<String, String> kv = new TMap<>();

    @Override
    public void hit(String path) {
        Stm.atomic(() -> {
            LongRef counter = hits.get(path);
            if (counter == null) {
                counter = LongRef.named("hits " + path, 0);
                hits.put(path, counter);
            }
            // A read-modify-write here (counter.set(counter.get() + 1), or
            // TMap<String, Long>.merge) would make every two requests on one
            // path conflict; a commute is applied at commit and conflicts with no other commute.
            counter.commute(n -> n + 1);
        });
    }

    @Override
    public void hitAfterCommit(String path) {
        if (Stm.inTransaction()) {
            Stm.afterCommit(() -> hit(path));
        } else {
            hit(path);
        }
    }

    @Override
    public long hits(String path) {
        return Stm.atomic(() -> {
            LongRef counter = hits.get(path);
            return counter == null ? 0L : counter.get();
        });
    }

    @Override
    public SortedMap<String, Long> hits() {
        return Stm.atomic(() -> {
            SortedMap<String, Long> all = new TreeMap<>();
            hits.forEach((path, counter) -> all.put(path, counter.get()));
            return all;
        });
    }

    @Override
    public String get(String key) {
        return kv.get(key);
    }

    @Override
    public String put(String key, String value) {
        return kv.put(key, value);
    }

    @Override
    public String delete(String key) {
        return kv.remove(key);
    }

    @Override
    public int size() {
        return kv.size();
    }
}
