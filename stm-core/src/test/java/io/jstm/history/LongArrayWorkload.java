package io.jstm.history;

import io.jstm.LongArray;
import io.jstm.Stm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random transactions over the elements of two {@link LongArray}s, run on
 * several threads, every attempt recorded: the input of
 * {@link LongArrayHistoryTest}, checked by the same {@link HistoryChecker} as
 * {@link HistoryWorkload}.
 *
 * <h2>Elements and values</h2>
 * The history's refs are the elements: ref {@code r} is element {@code r} of
 * the first array (24 elements: three full stripes) for {@code r < 24}, and
 * element {@code r - 24} of the second (12 elements: a full stripe and a short
 * one of 4) otherwise. Initial values are {@code r + 1}, never 0, so an element
 * that a commit stores without having written it (a zero from an unwritten
 * slot of a stripe's write buffer) is a read of a value nobody wrote. Every
 * transactional write stores a fresh value ({@link HistoryRecorder#freshValue()}),
 * unique in the whole history.
 *
 * <h2>Who writes what, so that every write names the version it replaces</h2>
 * <ul>
 *   <li><b>Shared elements</b> (even refs) are written by every thread, always
 *       after a read of the element in the same attempt (read-modify-write), or
 *       outside any transaction by {@link LongArray#getAndAdd} (its own atomic
 *       read and write): the read names the version the write replaces.</li>
 *   <li><b>Owned elements</b> (odd refs) are written only by their owner thread,
 *       {@code (r >> 1) % threads}, mostly <em>blind</em> (without reading the
 *       element or anything else of its stripe), inside transactions and with an
 *       outside {@link LongArray#set}. Since nobody else writes it, the version a
 *       blind write replaces is the owner's last committed write of the element,
 *       which the owner records with the write ({@link Attempt#blindWrite}).
 *       Every stripe holds owned elements of several threads, so blind writes
 *       to different elements of one stripe run concurrently and must all land.
 *       Anyone reads them.</li>
 * </ul>
 * Outside {@code getAndAdd} adds {@code k << 33} (k unique per call) to a value
 * below {@code 2^33}: the sums along one element's chain of versions are
 * distinct, and never equal a fresh value.
 *
 * <h2>Transactions</h2>
 * Each transaction picks a {@link Shape} and a plan seed; every attempt replays
 * the block from a fresh {@link SplittableRandom} with that seed. Element choices
 * favour the stripe of an element already touched, so that one attempt reads
 * and writes several elements of one stripe as often as elements of different
 * stripes and arrays. The shapes: read-only reads; scans of a whole array (by
 * element, or {@link LongArray#toArray()}: long snapshots, the multi-version
 * read path); read-modify-write updates (some write an element twice, an
 * intermediate value nobody may see; some read it back; some go through
 * {@code getAndAdd} inside the transaction); blind writes alone (an empty read
 * set) or beside reads and updates; nested {@code Stm.atomic} blocks, two deep,
 * that write the stripes the outer block wrote and sometimes throw (their
 * element writes must vanish, the outer block's stay); {@code Stm.orElse} whose
 * first branch writes and usually calls {@code Stm.retry()}; inevitable
 * transactions; single operations outside any transaction ({@code get},
 * {@code set}, {@code getAndAdd}). Independently of the shape, some
 * transactions throw {@link Planted} at the end and roll back entirely.
 *
 * <p>Every loop is bounded by a count and by a deadline; nothing sleeps.
 */
final class LongArrayWorkload {

    /** What a transaction does; its weights in the two {@link Mix}es. */
    enum Shape {
        READ_ONLY(12, 26), SCAN(5, 26), UPDATE(22, 10), BLIND(14, 8), NESTED(14, 8), OR_ELSE(12, 6),
        INEVITABLE_FROM_START(1, 1), INEVITABLE_MIDWAY(1, 1), OUTSIDE(19, 14);

        /** One weight per {@link Mix}, in its order. */
        final int[] weights;

        Shape(int... weights) {
            this.weights = weights;
        }
    }

    /**
     * @param threads       worker threads
     * @param txnsPerThread transactions each worker runs, at most
     * @param seed          seed of the workers' plans
     * @param timeLimit     a worker stops starting transactions after this
     * @param mix           proportions of the transaction shapes
     * @param throwPercent  share of transactions that throw {@link Planted} at the end
     * @param yieldPercent  share of accesses after which the worker yields inside the attempt
     */
    record Config(int threads, int txnsPerThread, long seed, Duration timeLimit, Mix mix, int throwPercent,
                  int yieldPercent) {}

    private static final int[] LENGTHS = {24, 12};
    private static final int STRIPE = 8;
    /** Number of refs: every element of both arrays. */
    static final int REFS = LENGTHS[0] + LENGTHS[1];
    /** Outside getAndAdd adds a multiple of this to values below it. */
    private static final int ADD_SHIFT = 33;

    private final Config config;
    private final LongArray[] arrays = new LongArray[LENGTHS.length];
    private final long[] initial = new long[REFS];
    /** Per thread: its owned refs, and what it knows of them. */
    private final Owner[] owners;

    LongArrayWorkload(Config config) {
        if (config.threads() < 1 || config.threads() > 4) {
            throw new IllegalArgumentException("1 to 4 threads: fresh values must stay below 2^" + ADD_SHIFT);
        }
        this.config = config;
        for (int r = 0; r < REFS; r++) {
            initial[r] = r + 1;
        }
        int base = 0;
        for (int k = 0; k < LENGTHS.length; k++) {
            long[] values = new long[LENGTHS[k]];
            System.arraycopy(initial, base, values, 0, values.length);
            arrays[k] = LongArray.copyOf(values);
            base += LENGTHS[k];
        }
        owners = new Owner[config.threads()];
        for (int t = 0; t < owners.length; t++) {
            owners[t] = new Owner(t);
        }
    }

    /**
     * Runs the workers to completion and returns the history.
     *
     * @throws AssertionError if a worker failed unexpectedly or did not finish
     *         within the time limit plus a grace period (a hang)
     */
    History run() throws InterruptedException {
        return Rounds.run(config.threads(), config.txnsPerThread(), config.seed(), config.timeLimit(), initial,
                this::runTransaction);
    }

    /** Committed blind writes (in transactions and outside), summed over the owners; read after the run. */
    long committedBlindWrites() {
        long n = 0;
        for (Owner o : owners) {
            n += o.blindWritesCommitted;
        }
        return n;
    }

    private void runTransaction(HistoryRecorder rec, SplittableRandom plans) {
        Owner me = owners[rec.thread()];
        Shape shape = config.mix().pick(plans, Shape.values(), sh -> sh.weights);
        long planSeed = plans.nextLong();
        boolean planted = plans.nextInt(100) < config.throwPercent();
        if (shape == Shape.OUTSIDE) {
            outside(rec, me, new SplittableRandom(planSeed));
            return;
        }
        Attempt committed = rec.atomic(shape == Shape.INEVITABLE_FROM_START, planted,
                a -> new Block(rec, me, a, new SplittableRandom(planSeed)).run(shape));
        if (committed != null) {
            me.committed(committed);
        }
    }

    /** One operation outside any transaction: its own tiny committed transaction. */
    private void outside(HistoryRecorder rec, Owner me, SplittableRandom rnd) {
        int r = rnd.nextInt(REFS);
        Attempt a = rec.beginDirect();
        switch (rnd.nextInt(3)) {
            case 0:
                a.read(r, array(r).get(index(r)));
                break;
            case 1: { // a blind store of an element only this thread writes
                int own = me.ownNear(r, rnd);
                long v = rec.freshValue();
                array(own).set(index(own), v);
                a.blindWrite(own, v, me.last(own));
                break;
            }
            default: { // an atomic add to an element anyone writes
                int shared = shared(r);
                long delta = (long) me.nextAddend() << ADD_SHIFT;
                long old = array(shared).getAndAdd(index(shared), delta);
                a.read(shared, old).write(shared, old + delta);
            }
        }
        rec.endDirect(a);
        me.committed(a);
    }

    // --------------------------------------------------------------- elements

    private LongArray array(int r) {
        return r < LENGTHS[0] ? arrays[0] : arrays[1];
    }

    private static int index(int r) {
        return r < LENGTHS[0] ? r : r - LENGTHS[0];
    }

    /** The first ref of {@code r}'s stripe. */
    private static int stripeStart(int r) {
        return r - (index(r) % STRIPE);
    }

    /** The number of elements in {@code r}'s stripe. */
    private static int stripeSize(int r) {
        int start = stripeStart(r);
        int arrayEnd = r < LENGTHS[0] ? LENGTHS[0] : REFS;
        return Math.min(STRIPE, arrayEnd - start);
    }

    private static boolean owned(int r) {
        return (r & 1) != 0;
    }

    /** A shared element in {@code r}'s stripe: {@code r} itself or its even neighbour. */
    private static int shared(int r) {
        return r & ~1;
    }

    private int ownerOf(int r) {
        return (r >> 1) % config.threads();
    }

    /** What one worker knows of the elements it owns. Used by one thread at a time (a worker's, round after round). */
    private final class Owner {
        final int thread;
        /** Its owned refs. */
        final int[] refs;
        /** Per ref: the value of this thread's last committed write, or the initial value. */
        final long[] last;
        long blindWritesCommitted;
        private int addends;

        Owner(int thread) {
            this.thread = thread;
            List<Integer> mine = new ArrayList<>();
            for (int r = 0; r < REFS; r++) {
                if (owned(r) && ownerOf(r) == thread) {
                    mine.add(r);
                }
            }
            this.refs = mine.stream().mapToInt(Integer::intValue).toArray();
            this.last = initial.clone();
        }

        boolean owns(int r) {
            return owned(r) && ownerOf(r) == thread;
        }

        long last(int r) {
            return last[r];
        }

        /** An element this thread owns, in {@code r}'s stripe if it owns one there. */
        int ownNear(int r, SplittableRandom rnd) {
            int start = stripeStart(r);
            int size = stripeSize(r);
            int from = rnd.nextInt(size);
            for (int i = 0; i < size; i++) {
                int c = start + (from + i) % size;
                if (owns(c)) {
                    return c;
                }
            }
            return refs[rnd.nextInt(refs.length)];
        }

        /** A unique positive addend for an outside getAndAdd. */
        int nextAddend() {
            return ++addends * config.threads() + thread;
        }

        /** {@code a} committed: its final writes of owned elements are now their latest versions. */
        void committed(Attempt a) {
            for (Map.Entry<Integer, Long> w : a.finalWrites().entrySet()) {
                if (owns(w.getKey())) {
                    last[w.getKey()] = w.getValue();
                }
            }
            for (Op op : a.ops()) {
                if (op.kind() == Op.Kind.WRITE && op.base().isPresent()) {
                    blindWritesCommitted++;
                }
            }
        }
    }

    /** The body of one attempt: the accesses of its shape, each recorded once it returned. */
    private final class Block {
        private final HistoryRecorder rec;
        private final Owner me;
        private final Attempt a;
        private final SplittableRandom rnd;

        Block(HistoryRecorder rec, Owner me, Attempt a, SplittableRandom rnd) {
            this.rec = rec;
            this.me = me;
            this.a = a;
            this.rnd = rnd;
        }

        void run(Shape shape) {
            switch (shape) {
                case READ_ONLY: {
                    int r = anyRef();
                    for (int i = 0, n = 2 + rnd.nextInt(6); i < n; i++) {
                        read(r);
                        r = near(r);
                    }
                    break;
                }
                case SCAN:
                    scan();
                    break;
                case UPDATE:
                case INEVITABLE_FROM_START:
                    update();
                    break;
                case BLIND:
                    blind();
                    break;
                case NESTED:
                    nested(writable(anyRef()), 2);
                    break;
                case OR_ELSE:
                    orElse();
                    break;
                case INEVITABLE_MIDWAY: {
                    int r = writable(anyRef());
                    readModifyWrite(r);
                    read(near(r));
                    Stm.becomeInevitable();
                    update(writable(near(r)));
                    read(near(r));
                    break;
                }
                default:
                    throw new AssertionError(shape);
            }
        }

        private int anyRef() {
            return rnd.nextInt(REFS);
        }

        /** Another element of {@code r}'s stripe half the time, else any element. */
        private int near(int r) {
            return rnd.nextBoolean() ? stripeStart(r) + rnd.nextInt(stripeSize(r)) : anyRef();
        }

        /** An element this thread may write, in {@code r}'s stripe: {@code r} if shared or its own. */
        private int writable(int r) {
            return me.owns(r) ? r : shared(r);
        }

        private void maybeYield() {
            if (rnd.nextInt(100) < config.yieldPercent()) {
                Thread.yield();
            }
        }

        private long read(int r) {
            long v = array(r).get(index(r));
            a.read(r, v);
            maybeYield();
            return v;
        }

        /**
         * Writes a fresh value to {@code r}: a declared blind write (with the version
         * it replaces) if this thread owns it; a shared element must have been read first.
         */
        private void write(int r) {
            long v = rec.freshValue();
            array(r).set(index(r), v);
            if (me.owns(r)) {
                a.blindWrite(r, v, me.last(r));
            } else {
                a.write(r, v);
            }
            maybeYield();
        }

        /** Reads {@code r} and writes a fresh value to it, directly or through getAndAdd. */
        private void readModifyWrite(int r) {
            long seen = read(r);
            if (rnd.nextInt(3) == 0) {
                // getAndAdd inside the transaction: it reads the element again and adds what makes it fresh
                long v = rec.freshValue();
                long old = array(r).getAndAdd(index(r), v - seen);
                a.read(r, old);
                if (old == seen) {
                    a.write(r, v);
                } else {
                    // A second read that differs (the checker reports it): the sum it wrote is no fresh
                    // value and may repeat another write, so it stays unrecorded and is overwritten.
                    write(r);
                }
                maybeYield();
            } else {
                write(r);
            }
            if (rnd.nextInt(4) == 0) {
                write(r); // the first value is intermediate: no one may ever read it
            }
            if (rnd.nextInt(3) == 0) {
                read(r); // read your writes
            }
        }

        /** Writes {@code r}: blind half the time if this thread owns it, else read-modify-write. */
        private void update(int r) {
            if (me.owns(r) && rnd.nextBoolean()) {
                write(r);
            } else {
                readModifyWrite(r);
            }
        }

        private void update() {
            int r = writable(anyRef());
            update(r);
            for (int i = 0, n = rnd.nextInt(4); i < n; i++) {
                r = near(r);
                if (rnd.nextBoolean()) {
                    read(r);
                } else {
                    update(writable(r));
                }
            }
        }

        /** A whole array, element by element from a random start, or with toArray. */
        private void scan() {
            int k = rnd.nextInt(arrays.length);
            int base = k == 0 ? 0 : LENGTHS[0];
            int n = LENGTHS[k];
            if (rnd.nextBoolean()) {
                long[] all = arrays[k].toArray();
                for (int i = 0; i < n; i++) {
                    a.read(base + i, all[i]);
                }
                maybeYield();
            } else {
                int from = rnd.nextInt(n);
                for (int i = 0; i < n; i++) {
                    read(base + (from + i) % n);
                }
            }
        }

        /**
         * Blind writes of elements this thread owns (sometimes twice, sometimes in
         * one stripe), alone or beside reads and updates of other elements.
         */
        private void blind() {
            int r = me.ownNear(anyRef(), rnd);
            boolean alone = rnd.nextBoolean();
            if (!alone && rnd.nextBoolean()) {
                read(anyRef());
            }
            write(r);
            for (int i = 0, n = rnd.nextInt(3); i < n; i++) {
                write(me.ownNear(near(r), rnd));
            }
            if (!alone) {
                int other = near(r);
                if (rnd.nextBoolean()) {
                    read(other);
                } else {
                    update(writable(other));
                }
                if (rnd.nextInt(3) == 0) {
                    read(r); // read your blind write
                }
            }
        }

        /**
         * Writes {@code outer}, then runs a nested block that writes elements of
         * the same stripe (and {@code outer} again), reads, may nest once more, and
         * may throw: its writes vanish, the outer block carries on and must see
         * its own state and the committed one.
         */
        private void nested(int outer, int depth) {
            int inner = writable(near(outer));
            int other = near(outer);
            boolean fails = rnd.nextBoolean();
            boolean rewriteOuter = rnd.nextInt(3) == 0;
            boolean deeper = depth > 1 && rnd.nextBoolean();
            update(outer);
            HistoryRecorder.nested(a, fails, () -> {
                update(inner);
                read(other);
                if (rewriteOuter) {
                    update(outer);
                }
                if (deeper) {
                    nested(writable(near(inner)), depth - 1);
                }
            });
            read(inner);
            read(outer);
            if (rnd.nextBoolean()) {
                update(writable(other));
            }
        }

        /** orElse whose first branch writes and (usually) retries: its writes vanish, the second branch runs. */
        private void orElse() {
            int before = anyRef();
            int x = writable(near(before));
            int y = writable(near(x));
            int z = writable(near(x));
            boolean firstRetries = rnd.nextInt(4) != 0;
            boolean nestedInFirst = rnd.nextInt(3) == 0;
            read(before);
            if (rnd.nextBoolean()) {
                update(y); // written before the checkpoint: the first branch's writes to its stripe must not leak into it
            }
            HistoryRecorder.orElse(a, () -> {
                update(x);
                update(y);
                if (nestedInFirst) {
                    nested(writable(near(y)), 1);
                }
                if (firstRetries) {
                    Stm.retry();
                }
            }, () -> {
                read(x);
                update(z);
            });
            read(x);
            read(y);
        }
    }
}
