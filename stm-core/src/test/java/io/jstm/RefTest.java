package io.jstm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class RefTest {

    @Test
    void getAndSetOutsideATransactionCommitAtOnce() {
        Ref<String> r = Ref.of("a");
        assertEquals("a", r.get());
        r.set("b");
        assertEquals("b", r.get());
        assertEquals("b", r.getAndSet("c"));
        assertEquals("c", r.get());
    }

    @Test
    void nullIsALegalValueInsideAndOutside() {
        Ref<String> r = Ref.of(null);
        assertNull(r.get());
        r.set("x");
        Stm.atomic(() -> r.set(null));
        assertNull(r.get());
        assertNull(Stm.atomic(() -> r.get()));
        assertNull(r.getAndSet("y"));
    }

    @Test
    void updateFunctionsReturnOldOrNewValue() {
        Ref<Integer> r = Ref.of(1);
        assertEquals(1, r.getAndUpdate(v -> v + 1));
        assertEquals(3, r.updateAndGet(v -> v + 1));
        assertEquals(3, r.get());
        assertEquals(4, Stm.atomic(() -> r.updateAndGet(v -> v + 1)));
        assertEquals(4, Stm.atomic(() -> r.getAndUpdate(v -> v * 10)));
        assertEquals(40, r.get());
    }

    @Test
    void namedRefsKeepTheirNameAndUnnamedOnesGetAStableDescription() {
        Ref<Integer> named = Ref.named("account-42", 0);
        assertEquals("account-42", named.name());
        Ref<Integer> anon = Ref.of(0);
        String d = anon.name();
        assertTrue(d.matches("Ref#\\d+"), d);
        assertEquals(d, anon.name());
        assertNotEquals(d, Ref.of(0).name());
        assertTrue(LongRef.of(1).name().matches("LongRef#\\d+"));
        assertEquals("hits", LongRef.named("hits", 1).name());
    }

    @Test
    void misuseGetsAClearMessage() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Ref.named(null, 1));
        assertTrue(e.getMessage().contains("Ref.of"), e.getMessage());
        assertThrows(NullPointerException.class, () -> LongRef.named(null, 1));
        assertThrows(NullPointerException.class, () -> Ref.of(1).updateAndGet(null));
    }

    @Test
    void longRefArithmeticInsideAndOutside() {
        LongRef c = LongRef.of(10);
        assertEquals(10, c.getAndAdd(5));
        assertEquals(16, c.incrementAndGet());
        assertEquals(20, c.addAndGet(4));
        Stm.atomic(() -> {
            assertEquals(20, c.getAndAdd(1));
            assertEquals(22, c.incrementAndGet());
            c.set(c.get() * 2);
            assertEquals(44, c.get());
        });
        assertEquals(44, c.get());
        c.set(-1);
        assertEquals(-1, c.get());
    }

    @Test
    void readsSeeTheTransactionsOwnWrites() {
        Ref<Integer> r = Ref.of(1);
        LongRef l = LongRef.of(1);
        Stm.atomic(() -> {
            r.set(2);
            l.set(2);
            assertEquals(2, r.get());
            assertEquals(2, l.get());
            r.set(3);
            assertEquals(3, r.get());
            // not yet visible outside
            assertEquals(1, otherThreadRead(r));
        });
        assertEquals(3, r.get());
        assertEquals(2, l.get());
    }

    private static int otherThreadRead(Ref<Integer> r) {
        int[] seen = new int[1];
        Thread t = new Thread(() -> seen[0] = r.get());
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return seen[0];
    }
}
