package io.jstm.examples.common;

import io.jstm.LongRef;
import io.jstm.Stm;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class GuardTest {

    @Test
    void everyGuardRunsTheBlockOnceAndReturnsItsResult() {
        for (Guard g : new Guard[] {Guard.jstm(), Guard.globalLock(), Guard.none()}) {
            int[] ran = {0};
            g.atomic(() -> {
                ran[0]++;
            });
            assertEquals(1, ran[0], g.name());
            assertEquals("x", g.atomic(() -> "x"), g.name());
        }
    }

    @Test
    void theJstmGuardRunsTheBlockAsATransaction() {
        LongRef r = LongRef.of(1);
        assertTrue(Guard.jstm().atomic(Stm::inTransaction));
        assertThrows(IllegalStateException.class, () -> Guard.jstm().atomic(() -> {
            r.set(2);
            throw new IllegalStateException("rolled back");
        }));
        assertEquals(1, r.get());
        assertFalse(Guard.globalLock().atomic(Stm::inTransaction));
    }
}
