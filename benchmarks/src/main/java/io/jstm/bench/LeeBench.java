package io.jstm.bench;

import io.jstm.examples.lee.Board;
import io.jstm.examples.lee.GlobalLock;
import io.jstm.examples.lee.Jstm;
import io.jstm.examples.lee.Router;
import io.jstm.examples.lee.Sequential;
import io.jstm.examples.lee.Solution;
import io.jstm.examples.lee.Validator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Lee-TM circuit routing, the standard STM macro-benchmark: one operation lays
 * every route of a board, one transaction (or lock section) per route, over a
 * fresh shared depth grid. Score: milliseconds per board (single shot).
 *
 * <p>The routers are stm-examples' Lee code ({@code io.jstm.examples.lee}):
 * {@code sequential} (one thread, plain arrays: the floor, as {@code plain} is
 * in the other workloads), {@code globalLock}, {@code jstm}, and the same
 * {@link io.jstm.examples.lee.StmRouter} code on ScalaSTM
 * ({@link ScalaStmRouter}) and Multiverse ({@link MultiverseRouter}). The
 * {@code threads} parameter is the number of worker threads the router starts
 * (the benchmark method runs on one JMH thread, which starts them and waits);
 * {@code sequential} runs at 1 only, and its 2-thread trials are skipped.
 * {@code multiverse} is not in the default list: it takes about 19 s to route
 * {@code sparselong} on one thread (jstm: 0.6 s), so the big boards would
 * take the run past its time budget; {@code -p impl=multiverse} runs it.
 * {@code memboard} (3,101 routes, about twice {@code mainboard}) is left out
 * for the same reason; {@code -p board=memboard} runs it.
 *
 * <p>Warm-up happens in the trial set-up, not in JMH warm-up iterations: the
 * router routes the board, untimed and validated, until {@link #WARMUP_NANOS}
 * have passed (at least once). One routing of {@code testBoard} takes about
 * 10 ms and one of {@code mainboard} several seconds, so a fixed count of
 * warm-up iterations would either leave the small boards cold or take minutes
 * on the big ones; a time budget gives the small boards about a hundred
 * routings and the big ones one.
 *
 * <p>Each iteration is one invocation: the set-up builds the empty grid and
 * the workers' path finders ({@link Router#prepare}), untimed; the benchmark
 * method lays the routes; the tear-down reads the result and validates it
 * (paths continuous, between the right ends, crossing no foreign pad, and every
 * cell's depth equal to the paths through it), so a wrong board fails the trial
 * and posts no time.
 *
 * <p>Aborts: the secondary result {@code aborts} counts route blocks that ran
 * again after an abort ({@link Solution#reruns()}), per board, counted by the
 * routers' workers the same way for every STM (0 for the lock and the floor).
 * JMH adds {@code EVENTS} counters up over the measured iterations, so its table
 * shows the sum; {@link LeeTable} gives the mean per board. For jstm trials the
 * log also has jstm's own counters ({@code Stm.statistics()}) after every
 * iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 0)
@Measurement(iterations = 5)
public class LeeBench {
    /** The one-thread floor: stm-examples' {@link Sequential} router. */
    static final String SEQUENTIAL = "sequential";
    /** jstm with one {@code LongRef} per cell instead of one {@code LongArray} ({@code Jstm.withRefs}). */
    static final String JSTM_REFS = "jstmRefs";
    /** ScalaSTM with one {@code TArray[Long]} instead of one ref per cell ({@link ScalaStmTArrayRouter}). */
    static final String SCALA_STM_TARRAY = "scalastmTArray";
    /** The trial set-up routes the board untimed until this much time has passed, at least once. */
    static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(1);

    @Param({"testBoard", "sparseshort_mini", "sparseshort", "sparselong", "mainboard"})
    public String board;

    @Param({SEQUENTIAL, Impls.GLOBAL_LOCK, Impls.JSTM, JSTM_REFS, Impls.SCALA_STM, SCALA_STM_TARRAY})
    public String impl;

    @Param({"1", "2"})
    public int threads;

    private Board loaded;
    /** The router named by {@link #impl}; tests may put another in its place after {@link #init()}. */
    Router router;
    private Router.Routing routing;

    @Setup(Level.Trial)
    public void setUp() {
        init();
        warmUp(WARMUP_NANOS);
    }

    /** Loads the board and picks the router; skips the combinations that make no sense. */
    void init() {
        if (SEQUENTIAL.equals(impl) && threads != 1) {
            throw new Impls.SkipTrial("'sequential' is the one-thread floor; it is measured at 1 thread only"
                    + " (skipping this " + threads + "-thread trial)");
        }
        loaded = Board.load(board);
        router = router(impl);
    }

    /** Routes the board, untimed and validated, until {@code nanos} have passed; at least once. */
    private void warmUp(long nanos) {
        long start = System.nanoTime();
        do {
            Validator.validate(router.route(loaded, threads));
        } while (System.nanoTime() - start < nanos);
    }

    static Router router(String impl) {
        return switch (impl) {
            case SEQUENTIAL -> new Sequential();
            case Impls.GLOBAL_LOCK -> new GlobalLock();
            case Impls.JSTM -> new Jstm();
            case JSTM_REFS -> Jstm.withRefs(false);
            case Impls.SCALA_STM -> new ScalaStmRouter();
            case SCALA_STM_TARRAY -> new ScalaStmTArrayRouter();
            case Impls.MULTIVERSE -> new MultiverseRouter();
            default -> throw Impls.unknown(impl);
        };
    }

    /** Builds the empty grid and the workers for the next invocation (not timed). */
    @Setup(Level.Iteration)
    public void prepare() {
        JstmStatistics.reset(impl);
        routing = router.prepare(loaded, threads);
    }

    /** Lays every route of the board. {@code check} is unused here: naming it makes JMH run its tear-down. */
    @Benchmark
    public void route(Check check) {
        routing.run();
    }

    /**
     * Validates the board just routed.
     *
     * @return its aborts: route blocks that ran again
     * @throws Validator.InvalidSolutionException if the board is wrong
     */
    long validate() {
        Solution s = routing.solution();
        Validator.validate(s);
        JstmStatistics.print(impl);
        return s.reruns();
    }

    /**
     * Validates every invocation's board and reports its aborts. A per-thread
     * state because JMH reads {@link AuxCounters} only from those; its tear-down
     * runs after each invocation, before the counters are read.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Check {
        /** Route blocks that ran again after an abort, in this invocation (one board). */
        public long aborts;

        @TearDown(Level.Iteration)
        public void validate(LeeBench bench) {
            aborts = bench.validate();
        }
    }
}
