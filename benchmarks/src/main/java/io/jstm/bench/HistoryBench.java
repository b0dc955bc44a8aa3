package io.jstm.bench;

import io.jstm.Stm;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a reader that keeps an old snapshot costs writers: one thread commits
 * transactions that increment a pair of refs, while (with {@code reader=held})
 * another thread sits inside a read-only transaction that read one of the pair
 * before the iteration began and reads the other at its end. Every version the
 * writer replaces must then be kept, so each commit allocates two history nodes
 * and the chains grow by millions of nodes per iteration; {@code reader=none} is
 * the same commits with nobody needing history. The score shows whether a
 * commit's cost stays flat as the chains grow (trimming in constant time) and
 * what keeping the history costs (allocation, and the garbage collector copying
 * a live set that only grows until the reader ends).
 *
 * <p>Check: at the end of every iteration the reader, released, reads the other
 * ref from history and must see the pair equal (as of its snapshot); the pair
 * must equal the number of commits.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HistoryBench {
    static final String NONE = "none";
    static final String HELD = "held";

    /** {@code none}: no reader; {@code held}: a reader keeps its snapshot for the whole iteration. */
    @Param({NONE, HELD})
    public String reader;

    private final PairCounter pair = new PairCounter();
    private Thread readerThread;
    private CountDownLatch release;
    private final AtomicReference<Object> readerSaw = new AtomicReference<>();

    @Setup(Level.Iteration)
    public void startReader() throws InterruptedException {
        if (!NONE.equals(reader) && !HELD.equals(reader)) {
            throw new IllegalArgumentException("reader " + reader + ": use " + NONE + " or " + HELD);
        }
        if (HELD.equals(reader)) {
            CountDownLatch started = new CountDownLatch(1);
            release = new CountDownLatch(1);
            readerSaw.set(null);
            CountDownLatch go = release;
            readerThread = new Thread(() -> {
                try {
                    readerSaw.set(Stm.atomic(() -> {
                        long first = pair.a.get();
                        started.countDown();
                        try {
                            if (!go.await(10, TimeUnit.MINUTES)) {
                                throw new IllegalStateException("HistoryBench: the reader was never released");
                            }
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return new long[] {first, pair.b.get()};
                    }));
                } catch (Throwable t) {
                    readerSaw.set(t);
                }
            }, "HistoryBench reader");
            readerThread.setDaemon(true);
            readerThread.start();
            if (!started.await(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("HistoryBench: the reader did not start");
            }
        }
    }

    @TearDown(Level.Iteration)
    public void check() throws InterruptedException {
        if (readerThread != null) {
            release.countDown();
            readerThread.join(TimeUnit.MINUTES.toMillis(1));
            Object saw = readerSaw.get();
            readerThread = null;
            if (!(saw instanceof long[] seen) || seen[0] != seen[1]) {
                throw new IllegalStateException("HistoryBench: the reader saw "
                        + (saw instanceof long[] p ? p[0] + " and " + p[1] : saw) + ", not an equal pair");
            }
        }
        pair.check("HistoryBench");
    }

    @Benchmark
    @Threads(1)
    public void t1() {
        pair.commit();
    }
}
