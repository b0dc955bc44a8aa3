package io.jstm.bench;

import org.multiverse.api.GlobalStmInstance;
import org.multiverse.stms.gamma.GammaStm;
import org.multiverse.stms.gamma.transactionalobjects.GammaTxnInteger;
import org.multiverse.stms.gamma.transactionalobjects.GammaTxnLong;
import org.multiverse.stms.gamma.transactionalobjects.GammaTxnRef;

/**
 * Multiverse refs for the benchmarks: the same classes {@code StmUtils.newTxn*}
 * makes, with a hash that keeps clear of a Multiverse 0.7.0 bug.
 *
 * <h2>The bug</h2>
 * A transaction with many refs ({@code FatVariableLengthGammaTxn}) keeps them
 * in an open-addressing table probed at {@code (hash ± 2^k) % length}, where
 * {@code hash} is the ref's identity hash. When that hash is smaller than the
 * probe step and the step is negative, the index is negative and the
 * transaction dies with an {@code ArrayIndexOutOfBoundsException} from inside
 * Multiverse. Identity hashes are random, so it strikes now and then: one
 * {@code LeeBenchTest} run in about ten did, routing {@code testBoard} with
 * Multiverse ({@code Index -4088 out of bounds for length 4096}).
 * {@code MultiverseRefsTest} reproduces it on purpose.
 *
 * <h2>The way round</h2>
 * Each ref made here sets its cached hash (a protected field Multiverse fills
 * on first use) to {@link #safeHash} of its identity hash: bit 30 set, the low
 * 29 bits kept. Any probe within 2^29 of it stays positive and does not
 * overflow, and a table of up to 2^29 slots sees the same low bits, so the
 * spread of refs over the table is what Multiverse would have had. The refs are
 * otherwise Multiverse's own: same class, same constructor, no added field.
 */
final class MultiverseRefs {
    private static final int LOW_BITS = (1 << 29) - 1;

    private MultiverseRefs() {}

    /** The hash Multiverse sees for a ref whose identity hash is {@code identityHash}: in [2^30, 2^30 + 2^29). */
    static int safeHash(int identityHash) {
        return (1 << 30) | (identityHash & LOW_BITS);
    }

    private static GammaStm stm() {
        return (GammaStm) GlobalStmInstance.getGlobalStmInstance();
    }

    static GammaTxnInteger newTxnInteger(int value) {
        return new SafeInteger(value);
    }

    static GammaTxnLong newTxnLong(long value) {
        return new SafeLong(value);
    }

    static <E> GammaTxnRef<E> newTxnRef(E value) {
        return new SafeRef<>(value);
    }

    private static final class SafeInteger extends GammaTxnInteger {
        SafeInteger(int value) {
            super(stm(), value);
            identityHashCode = safeHash(System.identityHashCode(this));
        }
    }

    private static final class SafeLong extends GammaTxnLong {
        SafeLong(long value) {
            super(stm(), value);
            identityHashCode = safeHash(System.identityHashCode(this));
        }
    }

    private static final class SafeRef<E> extends GammaTxnRef<E> {
        SafeRef(E value) {
            super(stm(), value);
            identityHashCode = safeHash(System.identityHashCode(this));
        }
    }
}
