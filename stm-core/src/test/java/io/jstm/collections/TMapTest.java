package io.jstm.collections;

import io.jstm.Stm;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** TMap semantics beyond the Guava suites: transactions, nulls, views, iterators, growth. */
class TMapTest {

    @Test
    void writesInARolledBackTransactionLeaveNoTrace() {
        TMap<String, Integer> map = new TMap<>();
        map.put("a", 1);
        assertThrows(IllegalStateException.class, () -> Stm.atomic(() -> {
            map.put("a", 2);
            map.put("b", 3);
            map.remove("a");
            assertEquals(1, map.size());
            throw new IllegalStateException("boom");
        }));
        assertEquals(Map.of("a", 1), new HashMap<>(map));
        assertEquals(1, map.size());
    }

    @Test
    void aTransactionSeesItsOwnWritesEverywhereIncludingIteration() {
        TMap<String, Integer> map = new TMap<>(Map.of("a", 1, "b", 2));
        Stm.atomic(() -> {
            map.put("c", 3);
            map.remove("a");
            map.merge("b", 10, Integer::sum);
            assertEquals(Map.of("b", 12, "c", 3), new HashMap<>(map));
            assertEquals(2, map.size());
            assertTrue(map.keySet().contains("c"));
            assertFalse(map.containsKey("a"));
        });
        assertEquals(Map.of("b", 12, "c", 3), new HashMap<>(map));
    }

    @Test
    void nullKeysAndValuesAreRejectedWithAMessage() {
        TMap<String, String> map = new TMap<>();
        NullPointerException e = assertThrows(NullPointerException.class, () -> map.put(null, "x"));
        assertTrue(e.getMessage().contains("null keys"), e.getMessage());
        e = assertThrows(NullPointerException.class, () -> map.put("k", null));
        assertTrue(e.getMessage().contains("null values"), e.getMessage());
        assertThrows(NullPointerException.class, () -> map.get(null));
        assertThrows(NullPointerException.class, () -> map.containsValue(null));
        assertThrows(NullPointerException.class, () -> map.merge("k", null, (a, b) -> a));
        assertTrue(map.isEmpty());
    }

    @Test
    void computeMergeAndFriendsFollowTheMapContract() {
        TMap<String, Integer> map = new TMap<>();
        assertEquals(1, map.computeIfAbsent("a", k -> 1));
        assertEquals(1, map.computeIfAbsent("a", k -> 99));
        assertNull(map.computeIfAbsent("b", k -> null));
        assertEquals(2, map.computeIfPresent("a", (k, v) -> v + 1));
        assertNull(map.computeIfPresent("zz", (k, v) -> 5));
        assertEquals(7, map.compute("c", (k, v) -> v == null ? 7 : v));
        assertNull(map.compute("c", (k, v) -> null));
        assertFalse(map.containsKey("c"));
        assertEquals(5, map.merge("d", 5, Integer::sum));
        assertEquals(8, map.merge("d", 3, Integer::sum));
        assertNull(map.merge("d", 1, (a, b) -> null));
        assertNull(map.putIfAbsent("e", 1));
        assertEquals(1, map.putIfAbsent("e", 2));
        assertFalse(map.replace("e", 2, 3));
        assertTrue(map.replace("e", 1, 3));
        assertEquals(3, map.replace("e", 4));
        assertFalse(map.remove("e", 3));
        assertTrue(map.remove("e", 4));
        assertEquals(Map.of("a", 2), new HashMap<>(map));
        assertEquals(1, map.size());
    }

    @Test
    void aThrowingRemappingFunctionChangesNothing() {
        TMap<String, Integer> map = new TMap<>(Map.of("a", 1));
        int zero = map.size() - 1;
        assertThrows(ArithmeticException.class, () -> map.compute("a", (k, v) -> v / zero));
        assertThrows(ArithmeticException.class, () -> map.computeIfAbsent("b", k -> 1 / zero));
        assertEquals(Map.of("a", 1), new HashMap<>(map));
        assertEquals(1, map.size());
    }

    @Test
    void manyKeysStayFindable() {
        TMap<Integer, Integer> map = new TMap<>();
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            assertNull(map.put(i, -i));
        }
        assertEquals(n, map.size());
        for (int i = 0; i < n; i++) {
            assertEquals(-i, map.get(i));
        }
        assertEquals(n, Stm.atomic(() -> {
            int count = 0;
            for (Map.Entry<Integer, Integer> e : map.entrySet()) {
                assertEquals(-e.getKey(), e.getValue());
                count++;
            }
            return count;
        }));
        for (int i = 0; i < n; i += 2) {
            assertEquals(-i, map.remove(i));
        }
        assertEquals(n / 2, map.size());
        assertEquals(n / 2, new ArrayList<>(map.keySet()).size());
        assertNull(map.get(0));
        assertEquals(-1, map.get(1));
    }

    @Test
    void keysWithEqualHashCodesAreKeptApart() {
        // Every key has hash code 0: the index must still tell them apart by equals.
        record Collider(int id) {
            @Override
            public int hashCode() {
                return 0;
            }
        }
        TMap<Collider, Integer> map = new TMap<>();
        for (int i = 0; i < 100; i++) {
            map.put(new Collider(i), i);
        }
        assertEquals(100, map.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i, map.get(new Collider(i)));
        }
        for (int i = 0; i < 100; i += 3) {
            assertEquals(i, map.remove(new Collider(i)));
        }
        assertEquals(66, map.size());
        assertEquals(66, map.entrySet().stream().count());
        assertNull(map.get(new Collider(3)));
        assertEquals(4, map.get(new Collider(4)));
    }

    @Test
    void anIteratorMadeOutsideATransactionIteratesASnapshot() {
        TMap<Integer, String> map = new TMap<>();
        for (int i = 0; i < 100; i++) {
            map.put(i, "v" + i);
        }
        Iterator<Map.Entry<Integer, String>> it = map.entrySet().iterator();
        map.clear();
        map.put(1000, "late");
        int seen = 0;
        while (it.hasNext()) {
            Map.Entry<Integer, String> e = it.next();
            assertEquals("v" + e.getKey(), e.getValue());
            seen++;
        }
        assertEquals(100, seen);
    }

    @Test
    void iteratorRemoveAndSetValueWriteThrough() {
        TMap<Integer, Integer> map = new TMap<>();
        for (int i = 0; i < 20; i++) {
            map.put(i, i);
        }
        for (Iterator<Map.Entry<Integer, Integer>> it = map.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Integer> e = it.next();
            if (e.getKey() % 2 == 0) {
                it.remove();
            } else {
                assertEquals(e.getKey(), e.setValue(e.getValue() * 10));
                assertEquals(e.getKey() * 10, e.getValue());
            }
        }
        assertEquals(10, map.size());
        map.forEach((k, v) -> assertEquals(k * 10, v));
        Stm.atomic(() -> {
            for (Iterator<Integer> it = map.keySet().iterator(); it.hasNext(); ) {
                if (it.next() < 10) {
                    it.remove();
                }
            }
        });
        assertEquals(5, map.size());
        map.keySet().remove(11);
        map.values().remove(130);
        map.entrySet().remove(Map.entry(15, 150));
        map.entrySet().remove(Map.entry(17, 1));
        assertEquals(Map.of(17, 170, 19, 190), new HashMap<>(map));
    }

    @Test
    void aLazyIteratorInATransactionSkipsNothingWhileTheTransactionChangesTheMap() {
        TMap<Integer, Integer> map = new TMap<>();
        for (int i = 0; i < 500; i++) {
            map.put(i, i);
        }
        List<Integer> seen = Stm.atomic(() -> {
            List<Integer> keys = new ArrayList<>();
            for (Integer k : map.keySet()) {
                keys.add(k);
                map.put(k + 1000, 0); // additions may or may not show up; existing keys must all show up once
                map.remove(k);
            }
            return keys;
        });
        assertEquals(seen.size(), seen.stream().distinct().count(), "no key seen twice");
        for (int i = 0; i < 500; i++) {
            assertTrue(seen.contains(i), "key " + i + " seen");
        }
        java.util.Set<Integer> expected = new java.util.HashSet<>();
        seen.forEach(k -> expected.add(k + 1000));
        seen.forEach(expected::remove);
        assertEquals(expected, new java.util.HashSet<>(map.keySet()));
        assertEquals(expected.size(), map.size());
    }

    @Test
    void clearEmptiesAMapWithSplitNodes() {
        TMap<Integer, Integer> map = new TMap<>();
        for (int i = 0; i < 2000; i++) {
            map.put(i, i);
        }
        map.clear();
        assertTrue(map.isEmpty());
        assertEquals(0, map.size());
        assertNull(map.get(5));
        assertFalse(map.entrySet().iterator().hasNext());
        map.put(5, 5);
        assertEquals(Map.of(5, 5), new HashMap<>(map));
    }

    @Test
    void equalsHashCodeAndToStringAgreeWithJavaUtil() {
        TMap<String, Integer> map = new TMap<>(Map.of("a", 1, "b", 2));
        Map<String, Integer> expected = Map.of("a", 1, "b", 2);
        assertEquals(expected, map);
        assertEquals(map, expected);
        assertEquals(expected.hashCode(), map.hashCode());
        assertTrue(map.toString().equals("{a=1, b=2}") || map.toString().equals("{b=2, a=1}"), map.toString());
        assertNotEquals(Map.of("a", 1), map);
    }

    @Test
    void aFailingBulkOperationInsideATransactionUndoesOnlyItself() {
        TMap<String, Integer> map = new TMap<>();
        Map<String, Integer> withNull = new java.util.LinkedHashMap<>();
        withNull.put("a", 1);
        withNull.put("b", null);
        Stm.atomic(() -> {
            map.put("x", 0);
            assertThrows(NullPointerException.class, () -> map.putAll(withNull));
            assertFalse(map.containsKey("a"), "putAll is all or nothing");
            map.put("y", 0);
        });
        assertEquals(Map.of("x", 0, "y", 0), new HashMap<>(map));
    }

    @Test
    void streamsOverViewsCountWhatTheyIterate() {
        TMap<Integer, Integer> map = new TMap<>();
        for (int i = 0; i < 100; i++) {
            map.put(i, i);
        }
        assertEquals(4950, map.values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(100, map.keySet().stream().toArray().length);
        assertTrue(map.keySet().spliterator().hasCharacteristics(java.util.Spliterator.DISTINCT));
    }

    @Test
    void replaceAllIsOneTransaction() {
        TMap<Integer, Integer> map = new TMap<>();
        for (int i = 0; i < 100; i++) {
            map.put(i, i);
        }
        assertThrows(NullPointerException.class, () -> map.replaceAll((k, v) -> k == 50 ? null : v + 1));
        for (int i = 0; i < 100; i++) {
            assertEquals(i, map.get(i), "a failed replaceAll leaves every value as it was");
        }
        map.replaceAll((k, v) -> v * 2);
        assertEquals(198, map.get(99));
    }

    @Test
    void aComputeFunctionThatUpdatesItsOwnKeyIsAClearErrorAndLeavesTheMapAsItWas() {
        TMap<String, Integer> map = new TMap<>();
        map.put("present", 1);
        List<Runnable> misuses = List.of(
                () -> map.computeIfAbsent("absent", k -> {
                    map.put("absent", 1);
                    return 2;
                }),
                () -> map.compute("absent", (k, v) -> {
                    map.put("absent", 1);
                    return 2;
                }),
                () -> map.compute("present", (k, v) -> {
                    map.remove("present");
                    return v + 1;
                }),
                () -> map.computeIfPresent("present", (k, v) -> {
                    map.put("present", 10);
                    return v + 1;
                }),
                () -> map.merge("present", 5, (a, b) -> {
                    map.remove("present");
                    map.put("other", 7);
                    return a + b;
                }));
        for (Runnable misuse : misuses) {
            IllegalStateException outside = assertThrows(IllegalStateException.class, misuse::run);
            assertTrue(outside.getMessage().contains("same key"), outside.getMessage());
            assertEquals(Map.of("present", 1), new HashMap<>(map), "outside a transaction");
            assertEquals(1, map.size());
            // Inside one, caught by the caller: the call's writes, the function's included, are undone,
            // and the transaction's own writes stay.
            Stm.atomic(() -> {
                map.put("mine", 3);
                assertThrows(IllegalStateException.class, misuse::run);
                assertEquals(Map.of("present", 1, "mine", 3), new HashMap<>(map), "inside, after the error");
            });
            assertEquals(Map.of("present", 1, "mine", 3), new HashMap<>(map));
            map.remove("mine");
        }
    }

    @Test
    void aComputeFunctionMayUpdateOtherKeys() {
        TMap<String, Integer> map = new TMap<>();
        map.put("a", 1);
        assertEquals(2, map.compute("a", (k, v) -> {
            map.put("b", 20);
            return v + 1;
        }));
        assertEquals(5, map.computeIfAbsent("c", k -> {
            map.remove("b");
            return 5;
        }));
        assertEquals(Map.of("a", 2, "c", 5), new HashMap<>(map));
        assertEquals(2, map.size());
    }

    @Test
    void equalsWithAMapThatCannotHoldItsKeysIsFalse() {
        TMap<String, Integer> map = new TMap<>();
        map.put("a", 1);
        assertNotEquals(map, new java.util.TreeMap<>(Map.of(1, 1)));
        assertFalse(Stm.atomic(() -> map.equals(new java.util.TreeMap<>(Map.of(1, 1)))));
        java.util.TreeMap<String, Integer> sameContents = new java.util.TreeMap<>(Map.of("a", 1));
        assertEquals(map, sameContents);
    }
}
