package io.jstm.collections;

import io.jstm.Stm;
import io.jstm.StmStatistics;
import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** TMap and TSet under concurrent use: no lost update, exact size, no conflict between different keys. */
class TMapConcurrencyTest {

    @Test
    void concurrentMergesAndComputesLoseNoIncrement() throws Exception {
        TMap<Integer, Long> counts = new TMap<>();
        int threads = 4, perThread = 20_000, keys = 64;
        new Workers(Threads.LIMIT).start(threads, w -> {
            SplittableRandom rnd = new SplittableRandom(w);
            for (int i = 0; i < perThread; i++) {
                int k = rnd.nextInt(keys);
                if ((i & 1) == 0) {
                    counts.merge(k, 1L, Long::sum);
                } else {
                    counts.compute(k, (key, v) -> v == null ? 1L : v + 1);
                }
            }
        }).join();
        long total = 0;
        for (long c : counts.values()) {
            total += c;
        }
        assertEquals((long) threads * perThread, total);
        assertEquals(keys, counts.size());
    }

    @Test
    void threadsInsertingAndRemovingDifferentKeysNeverConflict() throws Exception {
        // Each thread inserts, updates and removes keys of its own, interleaved with the other
        // thread's (even keys and odd keys), so their hashes mix freely: no shared ref, no conflict.
        TMap<Integer, Integer> map = new TMap<>();
        TSet<Integer> set = new TSet<>();
        int threads = 2, rounds = 20_000, live = 500;
        Stm.resetStatistics();
        new Workers(Threads.LIMIT).start(threads, w -> {
            for (int i = 0; i < rounds; i++) {
                Integer k = (i % live) * threads + w;
                Integer other = (live - 1 - i % live) * threads + w;
                switch ((i / live) % 3) {
                    case 0 -> {
                        map.put(k, i);
                        set.add(k);
                    }
                    case 1 -> map.merge(k, 1, Integer::sum);
                    default -> Stm.atomic(() -> {
                        map.remove(k);
                        set.remove(k);
                        map.putIfAbsent(other, 0);
                    });
                }
            }
        }).join();
        StmStatistics stats = Stm.statistics();
        assertEquals(0, stats.conflictAborts(), stats.toString());
        assertEquals(new ArrayList<>(map.keySet()).size(), map.size());
        assertEquals(new ArrayList<>(set).size(), set.size());
    }

    @Test
    void updatesOfDifferentPresentKeysNeverConflict() throws Exception {
        // Values live in refs of their own: updates of neighbouring keys do not conflict.
        TMap<Integer, Long> map = new TMap<>();
        int threads = 2, keysPerThread = 200, rounds = 20_000;
        for (int k = 0; k < threads * keysPerThread; k++) {
            map.put(k, 0L);
        }
        Stm.resetStatistics();
        new Workers(Threads.LIMIT).start(threads, w -> {
            for (int i = 0; i < rounds; i++) {
                int k = (i % keysPerThread) * threads + w; // even keys for one thread, odd for the other
                switch (i % 4) {
                    case 0 -> map.merge(k, 1L, Long::sum);
                    case 1 -> map.compute(k, (key, v) -> v + 1);
                    case 2 -> map.computeIfPresent(k, (key, v) -> v + 1);
                    default -> Stm.atomic(() -> {
                        map.put(k, map.get(k) + 1);
                    });
                }
            }
        }).join();
        StmStatistics stats = Stm.statistics();
        assertEquals(0, stats.conflictAborts(), stats.toString());
        long total = 0;
        for (long v : map.values()) {
            total += v;
        }
        assertEquals((long) threads * rounds, total);
    }

    @Test
    void sizeStaysExactWhileKeysComeAndGo() throws Exception {
        // Each writer keeps exactly `window` keys of its own: every consistent view has the same size,
        // and in any transaction size() agrees with what iteration counts.
        TMap<String, Integer> map = new TMap<>();
        TSet<String> set = new TSet<>();
        int writers = 2, window = 50, rounds = 10_000;
        for (int w = 0; w < writers; w++) {
            for (int i = 0; i < window; i++) {
                map.put(w + ":" + i, i);
                set.add(w + ":" + i);
            }
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong audits = new AtomicLong();
        Workers auditor = new Workers(Threads.LIMIT).start(1, a -> {
            do {
                Stm.atomic(() -> {
                    int counted = 0;
                    for (String ignored : map.keySet()) {
                        counted++;
                    }
                    assertEquals(writers * window, counted);
                    assertEquals(writers * window, map.size());
                    assertEquals(writers * window, set.size());
                });
                assertEquals(writers * window, map.size());
                audits.incrementAndGet();
            } while (!done.get());
        });
        Workers writerThreads = new Workers(Threads.LIMIT).start(writers, w -> {
            for (int i = window; i < window + rounds; i++) {
                String in = w + ":" + i, out = w + ":" + (i - window);
                Stm.atomic(() -> {
                    map.put(in, 0);
                    assertNotNull(map.remove(out));
                    set.add(in);
                    set.remove(out);
                });
            }
        });
        writerThreads.join();
        done.set(true);
        auditor.join();
        assertEquals(writers * window, map.size());
        assertEquals(writers * window, set.size());
        assertTrue(audits.get() > 0);
    }

    @Test
    void transfersBetweenKeysConserveTheTotalInEverySnapshot() throws Exception {
        TMap<Integer, Long> accounts = new TMap<>();
        int n = 32;
        long each = 1000;
        for (int i = 0; i < n; i++) {
            accounts.put(i, each);
        }
        AtomicBoolean done = new AtomicBoolean();
        Workers movers = new Workers(Threads.LIMIT).start(2, w -> {
            SplittableRandom rnd = new SplittableRandom(42 + w);
            for (int i = 0; i < 20_000; i++) {
                int from = rnd.nextInt(n), to = rnd.nextInt(n);
                long amount = rnd.nextInt(10);
                Stm.atomic(() -> {
                    accounts.compute(from, (k, v) -> v - amount);
                    accounts.merge(to, amount, Long::sum);
                });
            }
        });
        Workers auditor = new Workers(Threads.LIMIT).start(1, w -> {
            do {
                long outside = 0;
                for (Map.Entry<Integer, Long> e : accounts.entrySet()) { // a snapshot
                    outside += e.getValue();
                }
                assertEquals(n * each, outside);
                long inside = Stm.atomic(() -> accounts.values().stream().mapToLong(Long::longValue).sum());
                assertEquals(n * each, inside);
            } while (!done.get());
        });
        movers.join();
        done.set(true);
        auditor.join();
        assertEquals(n, accounts.size());
    }

    @Test
    void everySnapshotHoldsWholeBatchesWhileTheIndexGrows() throws Exception {
        // The writer commits batches of keys 10b..10b+9 while the index keeps growing;
        // every consistent view must hold exactly the keys of batches 0..b-1 for some b.
        TMap<Integer, Integer> map = new TMap<>();
        TSet<Integer> set = new TSet<>();
        int batches = 2_000, batch = 10;
        AtomicBoolean done = new AtomicBoolean();
        Workers readers = new Workers(Threads.LIMIT).start(2, r -> {
            do {
                List<Integer> keys = new ArrayList<>();
                if (r == 0) {
                    map.keySet().forEach(keys::add); // a snapshot iterator
                } else {
                    Stm.atomic(() -> {
                        keys.clear();
                        keys.addAll(map.keySet()); // lazily, inside the transaction
                        assertEquals(keys.size(), map.size());
                        assertEquals(keys.size(), set.size());
                    });
                }
                assertEquals(0, keys.size() % batch, "whole batches only");
                java.util.BitSet seen = new java.util.BitSet();
                keys.forEach(seen::set);
                assertEquals(keys.size(), seen.cardinality(), "no key twice");
                assertEquals(keys.size(), seen.nextClearBit(0), "batches 0..b-1 exactly");
            } while (!done.get());
        });
        Workers writer = new Workers(Threads.LIMIT).start(1, w -> {
            for (int b = 0; b < batches; b++) {
                int first = b * batch;
                Stm.atomic(() -> {
                    for (int k = first; k < first + batch; k++) {
                        map.put(k, k);
                        set.add(k);
                    }
                });
            }
        });
        writer.join();
        done.set(true);
        readers.join();
        assertEquals(batches * batch, map.size());
    }
}
