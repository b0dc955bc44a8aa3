package io.jstm.collections;

import io.jstm.LongRef;
import io.jstm.Ref;
import io.jstm.Stm;
import io.jstm.internal.Probes;
import io.jstm.testing.OtherThread;
import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The key table behind TMap and TSet: keys never share refs (so different keys
 * never conflict, whatever their hashes), and the cells of absent keys are
 * reclaimed without any transaction seeing a key's state out of step with the
 * rest of its snapshot.
 */
class KeyTableTest {
    /** Keys that all hash alike: in a hashed structure they would share a bucket or leaf. */
    record Collider(int id) {
        @Override
        public int hashCode() {
            return 0;
        }
    }

    @Test
    void insertsAndRemovesOfKeysWithEqualHashesDoNotConflict() {
        TMap<Collider, Integer> map = new TMap<>();
        TSet<Collider> set = new TSet<>();
        map.put(new Collider(0), 0);
        set.add(new Collider(0));
        AtomicInteger attempts = new AtomicInteger();
        Stm.atomic(() -> {
            attempts.incrementAndGet();
            assertNull(map.put(new Collider(1), 1));
            assertNull(map.get(new Collider(3)));
            assertTrue(set.add(new Collider(1)));
            assertFalse(set.contains(new Collider(3)));
            if (attempts.get() == 1) {
                // Other keys with the same hash come and go while this transaction is open.
                OtherThread.run("other keys", () -> {
                    map.put(new Collider(2), 2);
                    map.remove(new Collider(0));
                    set.add(new Collider(2));
                    set.remove(new Collider(0));
                });
            }
        });
        assertEquals(1, attempts.get(), "the transaction re-ran: keys with equal hashes conflicted");
        assertEquals(2, map.size());
        assertEquals(1, map.get(new Collider(1)));
        assertEquals(2, map.get(new Collider(2)));
        assertEquals(2, set.size());
        assertTrue(set.contains(new Collider(1)) && set.contains(new Collider(2)));
    }

    @Test
    void cellsOfAbsentKeysAreReclaimed() {
        TMap<Integer, Integer> map = new TMap<>();
        TSet<Integer> set = new TSet<>();
        int live = 5_000;
        for (int i = 0; i < live; i++) {
            map.put(-1 - i, i);
            set.add(-1 - i);
        }
        for (int i = 0; i < 200_000; i++) {
            int absent = i;
            assertNull(Stm.atomic(() -> map.get(absent))); // in a transaction, a lookup of an absent key gives it a cell
            assertFalse(Stm.atomic(() -> set.contains(absent)));
            map.put(1_000_000 + i, i);
            assertEquals(i, map.remove(1_000_000 + i));
            set.add(1_000_000 + i);
            set.remove(1_000_000 + i);
        }
        // Sweeps keep the index within twice what it kept at the last sweep, plus retired cells in waiting.
        long bound = 6L * (live + KeyTable.MIN_SWEEP);
        assertTrue(map.table().cellCount() <= bound, map.table().cellCount() + " cells for " + live + " keys");
        assertTrue(set.table().cellCount() <= bound, set.table().cellCount() + " cells for " + live + " elements");
        assertEquals(live, map.size());
        assertEquals(live, set.size());
        for (int i = 0; i < live; i++) {
            assertEquals(i, map.get(-1 - i));
            assertTrue(set.contains(-1 - i));
        }
        assertNull(map.get(0));
        assertNull(map.get(1_000_000));
    }

    @Test
    void lookupsOutsideTransactionsReadOneCellAndLeaveNoneBehind() throws Exception {
        TMap<Integer, Integer> map = new TMap<>();
        TSet<Integer> set = new TSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertNull(map.get(i));
            assertFalse(map.containsKey(i));
            assertFalse(set.contains(i));
        }
        assertEquals(0, map.table().cellCount(), "a lookup outside a transaction made cells");
        assertEquals(0, set.table().cellCount());
        // Against a key that comes and goes (and whose cell sweeps retire, and a put replaces): only
        // committed states, never a marker, and the value that goes with the key's presence.
        map.put(-1, -1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong wrong = new AtomicLong();
        Workers reader = new Workers(Threads.LIMIT).start(1, r -> {
            do {
                Object v = ((Map<Integer, ?>) map).get(0);
                if (v != null && !Integer.valueOf(7).equals(v)) {
                    wrong.incrementAndGet();
                }
                if (!Integer.valueOf(-1).equals(map.get(-1))) {
                    wrong.incrementAndGet();
                }
            } while (!done.get());
        });
        try {
            for (int i = 0; i < 20_000; i++) {
                assertNull(map.put(0, 7)); // absent (or retired): counted in by a transaction
                assertEquals(7, map.remove(0));
                if (i % 100 == 0) {
                    sweeps(map, 2); // notes key 0's absent cell, then retires it: the next put replaces it
                }
            }
        } finally {
            done.set(true);
        }
        reader.join();
        assertEquals(0, wrong.get());
        assertEquals(1, map.size());
        assertNull(map.get(0));
    }

    @Test
    void lookupsInTransactionsLogOneReadOfTheKeysCell() {
        TMap<String, Integer> map = new TMap<>();
        TSet<String> set = new TSet<>();
        map.put("present", 1);
        set.add("present");
        for (String key : List.of("present", "absent")) {
            boolean present = key.equals("present");
            List<Map.Entry<String, Integer>> reads = Stm.atomic(() -> {
                List<Map.Entry<String, Integer>> out = new ArrayList<>();
                int before = Probes.readSetSize();
                assertEquals(present ? 1 : null, map.get(key));
                out.add(Map.entry("get", Probes.readSetSize() - before));
                before = Probes.readSetSize();
                assertEquals(present, map.containsKey(key));
                out.add(Map.entry("containsKey", Probes.readSetSize() - before));
                before = Probes.readSetSize();
                assertEquals(present, set.contains(key));
                out.add(Map.entry("TSet.contains", Probes.readSetSize() - before));
                return out;
            });
            assertEquals(List.of(Map.entry("get", 1), Map.entry("containsKey", 1), Map.entry("TSet.contains", 1)),
                    reads, "read-set entries per lookup of the " + key + " key");
        }
    }

    @Test
    void putsOfPresentKeysOutsideTransactionsAreWritesOthersSee() throws Exception {
        TMap<String, Integer> map = new TMap<>();
        map.put("k", 0);
        // A transaction that read the old value re-runs.
        AtomicInteger attempts = new AtomicInteger();
        Stm.atomic(() -> {
            int v = map.get("k");
            if (attempts.incrementAndGet() == 1) {
                OtherThread.run("writer", () -> assertEquals(0, map.put("k", 5)));
            }
            map.put("sum", v + 1);
        });
        assertEquals(2, attempts.get());
        assertEquals(6, map.get("sum"));
        // A transaction blocked in retry on the value is woken (by the write, not by the safety net's recheck).
        long missedBefore = Probes.missedWakeUps();
        Thread waiter = new Thread(() -> Stm.atomic(() -> {
            if (map.get("k") != 9) {
                Stm.retry();
            }
            map.put("woken", 1);
        }));
        waiter.start();
        Threads.awaitBlocked(waiter);
        assertEquals(5, map.put("k", 9));
        waiter.join(Threads.LIMIT.toMillis());
        assertFalse(waiter.isAlive(), "the waiter was not woken");
        assertEquals(missedBefore, Probes.missedWakeUps(), "the write woke nobody: the safety net ran the waiter");
        assertEquals(1, map.get("woken"));
        // Absent keys still go through a transaction (to be counted): replace does nothing.
        assertNull(map.replace("absent", 1));
        assertNull(map.put("absent", 1));
        assertEquals(4, map.size());
        assertEquals(1, map.remove("absent"));
        assertNull(map.replace("absent", 2));
        assertFalse(map.containsKey("absent"));
        assertEquals(3, map.size());
    }

    @Test
    void putsOutsideTransactionsRaceInsertsAndRemovesWithoutLosingCount() throws Exception {
        TMap<Integer, Integer> map = new TMap<>();
        int keys = 64;
        AtomicBoolean done = new AtomicBoolean();
        Workers putter = new Workers(Threads.LIMIT).start(1, p -> {
            SplittableRandom rnd = new SplittableRandom(3);
            do {
                map.put(rnd.nextInt(keys), 1); // present: one write; absent: a transaction
            } while (!done.get());
        });
        Workers toggler = new Workers(Threads.LIMIT).start(1, t -> {
            SplittableRandom rnd = new SplittableRandom(4);
            for (int i = 0; i < 50_000; i++) {
                int k = rnd.nextInt(keys);
                Stm.atomic(() -> {
                    if (map.remove(k) == null) {
                        map.put(k, 2);
                    }
                });
            }
        });
        try {
            toggler.join();
        } finally {
            done.set(true);
        }
        putter.join();
        assertEquals(new ArrayList<>(map.keySet()).size(), map.size());
        for (Map.Entry<Integer, Integer> e : map.entrySet()) {
            assertTrue(e.getValue() == 1 || e.getValue() == 2, e.toString());
        }
    }

    @Test
    void aTransactionThatLookedUpAKeyReRunsIfItsCellIsRetiredBeforeItInserts() {
        TMap<String, Integer> map = new TMap<>();
        AtomicInteger attempts = new AtomicInteger();
        Stm.atomic(() -> {
            attempts.incrementAndGet();
            Integer v = map.get("k");
            if (attempts.get() == 1) {
                assertNull(v);
                OtherThread.run("sweeper", () -> sweeps(map, 2)); // notes, then retires the absent key's cell
            }
            map.put("k", v == null ? 1 : v + 1);
        });
        assertEquals(2, attempts.get(), "the insert into a retired cell must fail validation");
        assertEquals(1, map.get("k"));
        assertEquals(1, map.size());
        assertEquals(List.of("k"), new ArrayList<>(map.keySet()));
    }

    @Test
    void aWriterThatLookedUpARetiredKeyReRunsIfTheKeyIsInsertedBeforeItCommits() {
        TMap<String, Integer> map = new TMap<>();
        map.put("k", 1);
        map.remove("k");
        sweeps(map, 2); // notes, then retires k's cell: it stays linked, holding the retired marker
        Ref<Integer> x = Ref.of(0);
        AtomicInteger attempts = new AtomicInteger();
        Stm.atomic(() -> {
            attempts.incrementAndGet();
            Integer v = map.get("k"); // must log k's live cell (a successor), not the retired one
            if (attempts.get() == 1) {
                assertNull(v);
                OtherThread.run("inserter", () -> {
                    map.table().sweep(); // may unlink the retired cell
                    Stm.atomic(() -> {
                        if (x.get() == 0) {
                            map.put("k", 2);
                        }
                    });
                });
            }
            x.set(v == null ? 1 : 100 + v);
        });
        // Serial orders: writer first (the inserter then sees x = 1: k absent, x = 1) or the
        // inserter first (k = 2, x = 102). Committing x = 1 beside k = 2 would be neither.
        assertEquals(2, attempts.get(), "the writer's lookup of k must fail validation after the insert");
        assertEquals(2, map.get("k"));
        assertEquals(102, x.get());
    }

    @Test
    void aRetiredCellStaysLinkedWhileAnOlderReaderRuns() {
        TMap<String, Integer> map = new TMap<>();
        map.put("k", 1);
        map.put("other", 0);
        Ref<Integer> x = Ref.of(0);
        // A read-only transaction (registered: it may read old versions) that saw k present.
        List<String> seen = new ArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        Stm.atomic(() -> {
            attempts.incrementAndGet();
            seen.clear();
            assertEquals(0, x.get());
            if (attempts.get() == 1) {
                OtherThread.run("remover", () -> {
                    Stm.atomic(() -> {
                        map.remove("k");
                        x.set(1);
                    });
                    sweeps(map, 2); // notes, then retires k's cell
                    map.table().sweep(); // may unlink only once no reader is older than the retirement
                    assertEquals(0, map.table().unlinkedCount(), "unlinked under an older reader");
                    // A transaction's lookup finds the cell retired and puts a successor in its place.
                    assertNull(Stm.atomic(() -> map.get("k")));
                });
            }
            // Both read k's cell as of this snapshot, through the successor's history.
            seen.addAll(map.keySet());
            seen.add("k=" + map.get("k"));
        });
        assertEquals(1, attempts.get(), "a read-only transaction aborted");
        assertEquals(Set.of("other", "k", "k=1"), new HashSet<>(seen), "the reader's snapshot still has k");
        assertNull(map.get("k"));
        assertEquals(List.of("other"), new ArrayList<>(map.keySet()));
    }

    @Test
    void aWriterOlderThanAnUnlinkCannotSeeTheKeyAbsentBesideOldValues() {
        TMap<String, Integer> map = new TMap<>();
        map.put("k", 1);
        Ref<Integer> x = Ref.of(0);
        // k's cell is unlinked after the writer read x: a fresh one starts at the floor.
        writerAgainstAnUnlink(x, () -> null, () -> removeSweepAndUnlink(map, x), ignored -> map.containsKey("k"));
        assertFalse(map.containsKey("k"));
    }

    @Test
    void aWriterWalkingTheMapCannotMissAKeyUnlinkedAfterItsSnapshot() {
        TMap<String, Integer> map = new TMap<>();
        map.put("k", 1);
        map.put("other", 2);
        Ref<Integer> x = Ref.of(0);
        writerAgainstAnUnlink(x,
                () -> map.keySet().iterator(), // reads the count stripes now
                () -> removeSweepAndUnlink(map, x),
                keys -> {
                    List<String> walked = new ArrayList<>();
                    keys.forEachRemaining(walked::add);
                    return walked.contains("k");
                });
        assertEquals(List.of("other"), new ArrayList<>(map.keySet()));
    }

    @Test
    void aWalkThatFindsTheIndexEmptyStillChecksItsSnapshot() {
        TMap<String, Integer> map = new TMap<>();
        map.put("k", 1);
        Ref<Integer> x = Ref.of(0);
        try {
            writerAgainstAnUnlink(x, () -> null,
                    // After the walk read the count stripes, before it looks at the index: k goes,
                    // unlinked, and the index is empty when the walk starts.
                    () -> KeyTable.afterStripesForTests = () -> {
                        KeyTable.afterStripesForTests = null;
                        removeSweepAndUnlink(map, x);
                    },
                    ignored -> new ArrayList<>(map.keySet()).contains("k"));
        } finally {
            KeyTable.afterStripesForTests = null;
        }
    }

    /**
     * A writer transaction (it writes first, so it is not registered and never
     * reads old versions) prepares, reads {@code x}, lets {@code interfere} run
     * on its first attempt (k goes, and x becomes 1, in one commit), then asks
     * {@code seesK} whether k is there. No attempt may see x at 0 and k gone;
     * the first must abort.
     */
    private static <P> void writerAgainstAnUnlink(Ref<Integer> x, Supplier<P> prepare, Runnable interfere,
                                                  Function<P, Boolean> seesK) {
        LongRef unrelated = LongRef.of(0);
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger inconsistent = new AtomicInteger();
        Stm.atomic(() -> {
            int attempt = attempts.incrementAndGet();
            unrelated.set(attempt);
            P prepared = prepare.get();
            int seenX = x.get();
            if (attempt == 1) {
                interfere.run();
            }
            if (seenX == 0 && !seesK.apply(prepared)) {
                inconsistent.incrementAndGet();
            }
        });
        assertEquals(0, inconsistent.get(), "an attempt saw x before the removal and k after it");
        assertEquals(2, attempts.get());
    }

    /** On another thread: removes k and sets x in one commit, then sweeps until k's cell is unlinked. */
    private static void removeSweepAndUnlink(TMap<String, Integer> map, Ref<Integer> x) {
        OtherThread.run("remover", () -> {
            long before = map.table().cellCount();
            Stm.atomic(() -> {
                map.remove("k");
                x.set(1);
            });
            sweeps(map, 2); // notes, then retires k's cell
            map.table().sweep(); // unlinks it: no registered reader is older
            assertEquals(before - 1, map.table().cellCount(), "k's cell was not unlinked");
        });
    }

    @Test
    void aCellWrittenSinceASweepNotedItIsNotRetired() {
        TMap<String, Integer> map = new TMap<>();
        map.put("k", 1);
        map.remove("k");
        map.table().sweep(); // notes k's absent cell, at the version of the remove
        map.put("k", 2);
        map.remove("k"); // absent again, at a later version: in use, so not the noted candidate
        map.table().sweep();
        assertFalse(map.table().isRetired("k"), "a cell written after it was noted was retired");
        map.table().sweep(); // noted again at the current version: now it goes
        assertTrue(map.table().isRetired("k"));
    }

    @Test
    void aSweepNeverWaitsForTheInevitableTransaction() throws Exception {
        TMap<Integer, Integer> map = new TMap<>();
        assertFalse(Stm.atomic(() -> map.containsKey(-1))); // a cell holding ABSENT
        map.table().sweep(); // notes it as a candidate
        CountDownLatch marked = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread inevitable = new Thread(() -> Stm.atomic(() -> {
            Stm.becomeInevitable();
            assertFalse(map.containsKey(-1)); // marks the cell: no committer may take it now
            marked.countDown();
            try {
                assertTrue(release.await(60, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }));
        inevitable.start();
        assertTrue(marked.await(60, TimeUnit.SECONDS));
        Thread sweeper = new Thread(() -> map.table().sweep()); // would retire the candidate
        sweeper.start();
        sweeper.join(10_000);
        boolean finished = !sweeper.isAlive();
        release.countDown();
        inevitable.join(60_000);
        sweeper.join(60_000);
        assertTrue(finished, "the sweep waited for the inevitable transaction");
        assertNull(map.put(-1, 1)); // the cell was left alone, and works
        assertEquals(1, map.get(-1));
    }

    private static void sweeps(TMap<?, ?> map, int n) {
        for (int i = 0; i < n; i++) {
            map.table().sweep();
        }
    }

    @Test
    void keysStayInStepWithTheirShadowsWhileCellsAreReclaimed() throws Exception {
        // Writers toggle keys 0..hot-1 in and out of the map, each together with a shadow ref,
        // and look up random absent keys (cells for the sweeps to reclaim, thousands of sweeps).
        // Every attempt, aborted ones included, must see each key in step with its shadow;
        // read-only audits must never abort.
        int hot = 512, cold = 1 << 20;
        TMap<Integer, Integer> map = new TMap<>();
        @SuppressWarnings("unchecked")
        Ref<Boolean>[] shadow = new Ref[hot];
        for (int k = 0; k < hot; k++) {
            shadow[k] = Ref.of(false);
        }
        LongRef present = LongRef.of(0);
        AtomicLong violations = new AtomicLong();
        AtomicLong auditAborts = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        long deadline = System.nanoTime() + 20_000_000_000L;
        Workers auditor = new Workers(Threads.LIMIT).start(1, a -> {
            SplittableRandom rnd = new SplittableRandom(7);
            int audits = 0;
            do {
                int first = rnd.nextInt(hot);
                boolean walk = audits++ % 8 == 0;
                AtomicInteger attempts = new AtomicInteger();
                Stm.atomic(() -> {
                    attempts.incrementAndGet();
                    for (int i = 0; i < 64; i++) {
                        int k = (first + i * 7) % hot;
                        if (map.containsKey(k) != shadow[k].get()) {
                            violations.incrementAndGet();
                        }
                        if (map.get(hot + rnd.nextInt(cold)) != null) {
                            violations.incrementAndGet();
                        }
                    }
                    if (walk) {
                        int counted = 0;
                        for (Integer k : map.keySet()) {
                            if (k >= hot || !shadow[k].get()) {
                                violations.incrementAndGet();
                            }
                            counted++;
                        }
                        if (counted != present.get() || map.size() != counted) {
                            violations.incrementAndGet();
                        }
                    }
                });
                auditAborts.addAndGet(attempts.get() - 1);
            } while (!done.get() && System.nanoTime() < deadline);
        });
        Workers writers = new Workers(Threads.LIMIT).start(2, w -> {
            SplittableRandom rnd = new SplittableRandom(w);
            for (int i = 0; i < 60_000 && System.nanoTime() < deadline; i++) {
                int k = rnd.nextInt(hot);
                int absentKey = hot + rnd.nextInt(cold);
                Stm.atomic(() -> {
                    boolean in = map.containsKey(k);
                    if (in != shadow[k].get()) {
                        violations.incrementAndGet();
                    }
                    if (map.get(absentKey) != null) {
                        violations.incrementAndGet();
                    }
                    if (in) {
                        assertNotNull(map.remove(k));
                        present.set(present.get() - 1);
                    } else {
                        assertNull(map.put(k, k));
                        present.set(present.get() + 1);
                    }
                    shadow[k].set(!in);
                });
            }
        });
        writers.join();
        done.set(true);
        auditor.join();
        assertTrue(map.table().unlinkedCount() > 1000, map.table().unlinkedCount() + " cells unlinked");
        assertEquals(0, violations.get(), "attempts saw keys out of step with their shadows");
        assertEquals(0, auditAborts.get(), "read-only audits aborted");
        int expected = 0;
        for (int k = 0; k < hot; k++) {
            assertEquals(shadow[k].get(), map.containsKey(k), "key " + k);
            expected += shadow[k].get() ? 1 : 0;
        }
        assertEquals(expected, map.size());
        assertEquals(expected, present.get());
        // How many cells wait while the run goes on depends on how long the audits' snapshots live (a
        // retired cell stays until no registered reader is older); once they are over, three sweeps
        // (unlink, retire the candidates, unlink those) leave only the live keys and the cells of
        // keys absent for less than a sweep: none.
        sweeps(map, 3);
        assertEquals(expected, map.table().cellCount(), map.table().toString());
    }
}
