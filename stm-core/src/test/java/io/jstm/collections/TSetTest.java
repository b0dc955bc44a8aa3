package io.jstm.collections;

import io.jstm.Stm;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** TSet semantics beyond the Guava suite. */
class TSetTest {

    @Test
    void addsInARolledBackTransactionLeaveNoTrace() {
        TSet<String> set = new TSet<>(Set.of("a"));
        assertThrows(IllegalStateException.class, () -> Stm.atomic(() -> {
            assertTrue(set.add("b"));
            assertTrue(set.remove("a"));
            assertEquals(Set.of("b"), new HashSet<>(set));
            throw new IllegalStateException("boom");
        }));
        assertEquals(Set.of("a"), new HashSet<>(set));
        assertEquals(1, set.size());
    }

    @Test
    void nullElementsAreRejectedWithAMessage() {
        TSet<String> set = new TSet<>();
        NullPointerException e = assertThrows(NullPointerException.class, () -> set.add(null));
        assertTrue(e.getMessage().contains("null elements"), e.getMessage());
        assertThrows(NullPointerException.class, () -> set.contains(null));
        assertTrue(set.isEmpty());
    }

    @Test
    void manyElementsStayFindableThroughGrowthAndRemoval() {
        TSet<Long> set = new TSet<>();
        int n = 30_000;
        for (long i = 0; i < n; i++) {
            assertTrue(set.add(i * 7919));
        }
        assertFalse(set.add(7919L));
        assertEquals(n, set.size());
        assertTrue(set.removeIf(x -> x % 2 == 0));
        assertEquals(n / 2, set.size());
        for (long i = 0; i < n; i++) {
            assertEquals(i % 2 == 1, set.contains(i * 7919));
        }
    }

    @Test
    void anIteratorMadeOutsideATransactionIteratesASnapshotAndRemovesThrough() {
        TSet<Integer> set = new TSet<>();
        for (int i = 0; i < 50; i++) {
            set.add(i);
        }
        Iterator<Integer> it = set.iterator();
        set.add(100);
        int seen = 0;
        while (it.hasNext()) {
            int x = it.next();
            assertTrue(x < 50);
            if (x % 5 == 0) {
                it.remove();
            }
            seen++;
        }
        assertEquals(50, seen);
        assertEquals(41, set.size());
        assertFalse(set.contains(10));
        assertTrue(set.contains(100));
    }

    @Test
    void bulkOperationsAreAtomicOutsideATransaction() {
        TSet<Integer> set = new TSet<>(Set.of(1, 2, 3));
        assertThrows(NullPointerException.class, () -> set.addAll(java.util.Arrays.asList(4, 5, null)));
        assertEquals(Set.of(1, 2, 3), new HashSet<>(set), "a failed addAll adds nothing");
        assertTrue(set.retainAll(Set.of(2, 3, 4)));
        assertEquals(Set.of(2, 3), set);
        assertEquals(Set.of(2, 3).hashCode(), set.hashCode());
    }
}
