package io.jstm.history;

import io.jstm.LongRef;
import io.jstm.Ref;
import io.jstm.Stm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random transactions over a few refs, run on several threads, every attempt
 * recorded: the input of {@link SerializableHistoryTest}.
 *
 * <h2>Refs and values</h2>
 * Ref number {@code r} is a {@link LongRef} when {@code r} is even and a
 * {@code Ref<Long>} when odd, so both cell kinds are exercised; its initial
 * value is {@code r}. Every write stores a fresh value
 * ({@link HistoryRecorder#freshValue()}), unique in the whole history, so every
 * read names its writer. Every write of a ref is preceded by a read of it in the
 * same block (read-modify-write), or is a commute whose function records the
 * value it was applied to; either way each write names the version it replaced,
 * which makes each ref's version order explicit (see {@link HistoryChecker}).
 *
 * <h2>Transactions</h2>
 * Each transaction picks a {@link Shape} and a plan seed; every attempt replays
 * the block from a fresh {@link SplittableRandom} with that seed, so retries
 * make the same choices (with new values). The shapes:
 * <ul>
 *   <li>read-only reads and full scans (snapshot extension and the
 *       multi-version read path);</li>
 *   <li>read-modify-write updates; some write a ref twice (an intermediate
 *       value nobody may see), some read it back (read your writes); updates of
 *       a {@code Ref<Long>} also go through {@code getAndSet} and
 *       {@code getAndUpdate} (an atomic block nested in the running one);</li>
 *   <li>commutes: alone (applied at commit), chained on one ref, read back
 *       (applied at the read), on a ref already written (applied at once);</li>
 *   <li>nested {@code Stm.atomic} blocks that sometimes throw: their writes must
 *       vanish, the outer block goes on and must see its own earlier state;</li>
 *   <li>{@code Stm.orElse} whose first branch writes or commutes and usually
 *       calls {@code retry()}: its writes must vanish;</li>
 *   <li>{@code becomeInevitable()} midway, with commutes before and after, and
 *       {@code atomicInevitable} from the start;</li>
 *   <li>{@code Stm.retryFor} on the first attempt: an explicit retry that waits
 *       for another commit to what it read (or times out: rolled back);</li>
 *   <li>single operations outside any transaction: {@code get},
 *       {@code Ref.getAndSet}, {@code Ref.getAndUpdate}, {@code commute}.</li>
 * </ul>
 * Independently of the shape, some transactions throw a {@link Planted}
 * exception at the end of the block: they must roll back entirely, and their
 * writes must never be read.
 *
 * <p>Every loop is bounded by a count and by a deadline; nothing sleeps.
 */
final class HistoryWorkload {

    /** What a transaction does; its weights in the two {@link Mix}es. */
    enum Shape {
        READ_ONLY(16, 30), SCAN(6, 30), UPDATE(28, 13), COMMUTE(8, 3), NESTED(10, 5), OR_ELSE(12, 5),
        INEVITABLE_MIDWAY(2, 1), INEVITABLE_FROM_START(1, 1), WAIT_FOR_CHANGE(1, 1), OUTSIDE(8, 4);

        /** One weight per {@link Mix}, in its order. */
        final int[] weights;

        Shape(int... weights) {
            this.weights = weights;
        }
    }

    /**
     * @param refs              number of refs (contention grows as it shrinks)
     * @param threads           worker threads
     * @param txnsPerThread     transactions each worker runs, at most
     * @param seed              seed of the workers' plans
     * @param timeLimit         a worker stops starting transactions after this
     * @param mix               proportions of the transaction shapes
     * @param throwPercent      share of transactions that throw {@link Planted} at the end
     * @param yieldPercent      share of accesses after which the worker calls {@link Thread#yield()}
     *                          inside the attempt, so that other threads commit in the middle of it
     *                          (more conflicts, snapshot extensions, history reads and doomed
     *                          attempts to check, even on a machine with few free cores)
     */
    record Config(int refs, int threads, int txnsPerThread, long seed, Duration timeLimit, Mix mix,
                  int throwPercent, int yieldPercent) {}

    private static final Duration RETRY_TIMEOUT = Duration.ofMillis(20);

    private final Config config;
    private final LongRef[] longs;
    private final List<Ref<Long>> boxes = new ArrayList<>();

    HistoryWorkload(Config config) {
        this.config = config;
        this.longs = new LongRef[(config.refs() + 1) / 2];
        for (int r = 0; r < config.refs(); r++) {
            if (isLong(r)) {
                longs[r >> 1] = LongRef.named("r" + r, r);
            } else {
                boxes.add(Ref.named("r" + r, (long) r));
            }
        }
    }

    /**
     * Runs the workers to completion and returns the history.
     *
     * @throws AssertionError if a worker failed unexpectedly or did not finish
     *         within the time limit plus a grace period (a hang)
     */
    History run() throws InterruptedException {
        long[] initial = new long[config.refs()];
        for (int r = 0; r < initial.length; r++) {
            initial[r] = r;
        }
        return Rounds.run(config.threads(), config.txnsPerThread(), config.seed(), config.timeLimit(), initial,
                this::runTransaction);
    }

    private void runTransaction(HistoryRecorder rec, SplittableRandom plans) {
        Shape shape = config.mix().pick(plans, Shape.values(), sh -> sh.weights);
        long planSeed = plans.nextLong();
        boolean planted = plans.nextInt(100) < config.throwPercent();
        if (shape == Shape.OUTSIDE) {
            outside(rec, new SplittableRandom(planSeed));
            return;
        }
        rec.atomic(shape == Shape.INEVITABLE_FROM_START, planted,
                a -> new Block(rec, a, new SplittableRandom(planSeed)).run(shape));
    }

    /** One operation outside any transaction: its own tiny committed transaction. */
    private void outside(HistoryRecorder rec, SplittableRandom rnd) {
        int r = rnd.nextInt(config.refs());
        int how = rnd.nextInt(4);
        if (isLong(r) && (how == 1 || how == 2)) {
            how = 0; // a LongRef has no swap that writes a value of our choosing
        }
        Attempt a = rec.beginDirect();
        long v = rec.freshValue();
        switch (how) {
            case 0:
                a.read(r, get(r));
                break;
            case 1: // a single locked swap
                a.read(r, box(r).getAndSet(v)).write(r, v);
                break;
            case 2: // a small transaction of its own
                a.read(r, box(r).getAndUpdate(x -> v)).write(r, v);
                break;
            default: // an atomic update whose function may run more than once: the last run counts
                long[] base = new long[1];
                if (isLong(r)) {
                    longs[r >> 1].commute(x -> {
                        base[0] = x;
                        return v;
                    });
                } else {
                    box(r).commute(x -> {
                        base[0] = x;
                        return v;
                    });
                }
                a.read(r, base[0]).write(r, v);
        }
        rec.endDirect(a);
    }

    // ------------------------------------------------------------------ refs

    private static boolean isLong(int r) {
        return (r & 1) == 0;
    }

    private Ref<Long> box(int r) {
        return boxes.get(r >> 1);
    }

    private long get(int r) {
        return isLong(r) ? longs[r >> 1].get() : box(r).get();
    }

    private void set(int r, long v) {
        if (isLong(r)) {
            longs[r >> 1].set(v);
        } else {
            box(r).set(v);
        }
    }

    /** The body of one attempt: the accesses of its shape, each recorded once it returned. */
    private final class Block {
        private final HistoryRecorder rec;
        private final Attempt a;
        private final SplittableRandom rnd;

        Block(HistoryRecorder rec, Attempt a, SplittableRandom rnd) {
            this.rec = rec;
            this.a = a;
            this.rnd = rnd;
        }

        void run(Shape shape) {
            switch (shape) {
                case READ_ONLY:
                    for (int i = 0, n = 2 + rnd.nextInt(4); i < n; i++) {
                        read(anyRef());
                    }
                    break;
                case SCAN:
                    int first = anyRef();
                    for (int i = 0; i < config.refs(); i++) {
                        read((first + i) % config.refs());
                    }
                    break;
                case UPDATE:
                case INEVITABLE_FROM_START:
                    update();
                    break;
                case COMMUTE:
                    commutes();
                    break;
                case NESTED:
                    nested();
                    break;
                case OR_ELSE:
                    orElse();
                    break;
                case INEVITABLE_MIDWAY:
                    readModifyWrite(anyRef());
                    commute(anyRef()); // pending: applied when the inevitable attempt commits
                    read(anyRef());
                    Stm.becomeInevitable();
                    readModifyWrite(anyRef());
                    commute(anyRef()); // applied at once by an inevitable attempt
                    read(anyRef());
                    break;
                case WAIT_FOR_CHANGE:
                    int r = anyRef();
                    read(r);
                    read(anyRef());
                    if (a.number == 1) {
                        Stm.retryFor(RETRY_TIMEOUT); // wait for any commit to what it read
                    }
                    readModifyWrite(r);
                    break;
                default:
                    throw new AssertionError(shape);
            }
        }

        private int anyRef() {
            return rnd.nextInt(config.refs());
        }

        private void read(int r) {
            a.read(r, get(r));
            maybeYield();
        }

        private void maybeYield() {
            if (rnd.nextInt(100) < config.yieldPercent()) {
                Thread.yield();
            }
        }

        private void write(int r) {
            long v = rec.freshValue();
            set(r, v);
            a.write(r, v);
            maybeYield();
        }

        private void readModifyWrite(int r) {
            int how = isLong(r) ? 0 : rnd.nextInt(3);
            if (how != 0) {
                long v = rec.freshValue();
                // getAndSet reads and writes; getAndUpdate is an atomic block nested in this one
                long old = how == 1 ? box(r).getAndSet(v) : box(r).getAndUpdate(x -> v);
                a.read(r, old).write(r, v);
                maybeYield();
            } else {
                read(r);
                write(r);
            }
            if (rnd.nextInt(4) == 0) {
                write(r); // the first value is intermediate: no one may ever read it
            }
            if (rnd.nextInt(3) == 0) {
                read(r); // read your writes
            }
        }

        private void update() {
            readModifyWrite(anyRef());
            for (int i = 0, n = rnd.nextInt(4); i < n; i++) {
                if (rnd.nextBoolean()) {
                    read(anyRef());
                } else {
                    readModifyWrite(anyRef());
                }
            }
        }

        /** Writes {@code r} with a commute whose function returns a fresh value and records its argument. */
        private void commute(int r) {
            long v = rec.freshValue();
            int op = a.commute(r, v); // before the call: an inevitable attempt applies the function inside it
            if (isLong(r)) {
                longs[r >> 1].commute(x -> {
                    a.commuteApplied(op, x);
                    return v;
                });
            } else {
                box(r).commute(x -> {
                    a.commuteApplied(op, x);
                    return v;
                });
            }
            maybeYield();
        }

        /**
         * Commutes, alone (applied at commit to the latest value), twice on one ref
         * (a chain), then read back (applied at the read), or on a ref already
         * written (applied at once to the buffered value).
         */
        private void commutes() {
            int r = anyRef();
            if (rnd.nextBoolean()) {
                read(anyRef());
            }
            commute(r);
            if (rnd.nextInt(3) == 0) {
                commute(r);
            }
            if (rnd.nextInt(4) == 0) {
                read(r);
            }
            if (rnd.nextInt(4) == 0) {
                int w = anyRef();
                readModifyWrite(w);
                commute(w);
            }
        }

        /** A nested block that may fail: its writes vanish, the outer block carries on and sees its own state. */
        private void nested() {
            int outer = anyRef();
            int inner = anyRef();
            int other = anyRef();
            boolean fails = rnd.nextBoolean();
            readModifyWrite(outer);
            HistoryRecorder.nested(a, fails, () -> {
                readModifyWrite(inner);
                read(other);
            });
            read(inner);
            read(outer);
            if (rnd.nextBoolean()) {
                readModifyWrite(other);
            }
        }

        /** orElse whose first branch writes and (usually) retries: its writes vanish, the second branch runs. */
        private void orElse() {
            int before = anyRef();
            int x = anyRef();
            int y = anyRef();
            int z = anyRef();
            boolean firstRetries = rnd.nextInt(4) != 0;
            read(before);
            boolean commuteY = rnd.nextInt(3) == 0;
            HistoryRecorder.orElse(a, () -> {
                readModifyWrite(x);
                if (commuteY) {
                    commute(y);
                } else {
                    readModifyWrite(y);
                }
                if (firstRetries) {
                    Stm.retry();
                }
            }, () -> {
                read(x);
                readModifyWrite(z);
            });
            read(x);
            read(y);
        }
    }
}
