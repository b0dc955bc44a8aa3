package io.jstm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.multiverse.api.GlobalStmInstance;
import org.multiverse.api.StmUtils;
import org.multiverse.api.callables.TxnIntCallable;
import org.multiverse.api.references.TxnInteger;
import org.multiverse.stms.gamma.GammaStm;
import org.multiverse.stms.gamma.transactionalobjects.GammaTxnInteger;

/**
 * The Multiverse 0.7.0 bug {@link MultiverseRefs} works round, reproduced on
 * purpose, and the way round shown to hold on the same input.
 */
class MultiverseRefsTest {

    /** A Multiverse ref whose cached hash is set by the test (the field Multiverse fills from the identity hash). */
    private static final class HashedInteger extends GammaTxnInteger {
        HashedInteger(int hash) {
            super((GammaStm) GlobalStmInstance.getGlobalStmInstance(), 1);
            identityHashCode = hash;
        }
    }

    /**
     * Refs whose hashes all collide on slot 1 of any power-of-two table,
     * added largest hash first (so their probes fill the slots below 1), then
     * one ref whose hash is 1: its probe steps down past slot 0.
     */
    private static int readAll(IntUnaryOperator hashOf) {
        int n = 64;
        TxnInteger[] refs = new TxnInteger[n];
        for (int i = 0; i < n - 1; i++) {
            refs[i] = new HashedInteger(hashOf.applyAsInt(1 + (n - i) * 65536));
        }
        refs[n - 1] = new HashedInteger(hashOf.applyAsInt(1));
        return StmUtils.atomic((TxnIntCallable) tx -> {
            int sum = 0;
            for (TxnInteger r : refs) {
                sum += r.get();
            }
            return sum;
        });
    }

    @Test
    void multiverseFailsInsideItsOwnTransactionWhenARefsHashIsSmallerThanAProbeStep() {
        ArrayIndexOutOfBoundsException e =
                assertThrows(ArrayIndexOutOfBoundsException.class, () -> readAll(h -> h));
        assertTrue(e.getStackTrace()[0].getClassName().startsWith("org.multiverse."),
                "thrown by Multiverse itself: " + e.getStackTrace()[0]);
    }

    @Test
    void theSameRefsWithSafeHashesAreAllRead() {
        assertEquals(64, readAll(MultiverseRefs::safeHash));
    }

    @Test
    void safeHashesStayClearOfEveryProbeAndKeepTheLowBits() {
        for (int h : new int[] {1, 2, 4095, 1 << 20, (1 << 29) - 1, 1 << 29, (1 << 30) + 7, Integer.MAX_VALUE}) {
            int s = MultiverseRefs.safeHash(h);
            assertTrue(s >= 1 << 30 && s < (1 << 30) + (1 << 29), "hash " + h + " -> " + s);
            assertEquals(h & ((1 << 29) - 1), s & ((1 << 29) - 1), "low bits of " + h);
        }
    }

    @Test
    void everyFactoryMakesAWorkingRefWithASafeHash() {
        var i = MultiverseRefs.newTxnInteger(7);
        var l = MultiverseRefs.newTxnLong(8);
        var r = MultiverseRefs.<String>newTxnRef("nine");
        for (var ref : new org.multiverse.stms.gamma.transactionalobjects.BaseGammaTxnRef[] {i, l, r}) {
            assertEquals(MultiverseRefs.safeHash(System.identityHashCode(ref)), ref.identityHashCode());
        }
        int sum = StmUtils.atomic((TxnIntCallable) tx -> {
            i.increment();
            l.increment();
            r.set(r.get() + "!");
            return i.get() + (int) l.get();
        });
        assertEquals(17, sum);
        assertEquals("nine!", r.atomicGet());
    }
}
