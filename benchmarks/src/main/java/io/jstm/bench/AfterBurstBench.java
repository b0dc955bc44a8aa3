package io.jstm.bench;

import io.jstm.Stm;
import java.util.ArrayList;
import java.util.List;
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
 * Whether a burst leaves its mark: before the trial, {@code burst} threads sit
 * inside read-only transactions at the same time (each holding a snapshot
 * registry slot), then all finish; then one thread commits small transactions
 * (increment two refs). Every commit scans the registry's slots for the oldest
 * snapshot, so if the scan stayed at the burst's peak, every commit for the
 * rest of the JVM's life would pay for it. Check: the pair equals the commits.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AfterBurstBench {
    /** Threads in transactions at once before the trial (0: none). */
    @Param({"0", "600"})
    public int burst;

    private final PairCounter pair = new PairCounter();

    @Setup(Level.Trial)
    public void burst() throws InterruptedException {
        if (burst < 0) {
            throw new IllegalArgumentException("burst " + burst + ": use 0 or more threads");
        }
        CountDownLatch inside = new CountDownLatch(burst);
        CountDownLatch leave = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            Thread t = new Thread(() -> {
                try {
                    Stm.atomic(() -> {
                        long v = pair.a.get();
                        inside.countDown();
                        try {
                            leave.await(1, TimeUnit.MINUTES);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return v;
                    });
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "AfterBurstBench " + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        boolean all = inside.await(1, TimeUnit.MINUTES);
        leave.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(1));
        }
        if (!all || failure.get() != null) {
            throw new IllegalStateException("AfterBurstBench: the burst did not run: " + failure.get());
        }
    }

    @TearDown(Level.Iteration)
    public void check() {
        pair.check("AfterBurstBench");
    }

    @Benchmark
    @Threads(1)
    public void t1() {
        pair.commit();
    }
}
