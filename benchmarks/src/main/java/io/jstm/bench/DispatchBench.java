package io.jstm.bench;

import io.jstm.LongRef;
import io.jstm.dispatch.EventDispatcher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
 * pypy-stm's promise, measured: 100,000 small handler events per operation,
 * each handled on a pool of {@code threads} threads, on jstm's
 * {@link EventDispatcher} (every handler in its own transaction) and with the
 * same handler under one global lock on a plain fixed pool.
 *
 * <p>The handler bumps the hit counter of one of 1,024 keys and a per-key
 * byte total (two refs read and written), like a web server counting hits per
 * path. After every iteration the counters must add up to the events handled.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DispatchBench {
    static final int EVENTS = 100_000;
    static final int KEYS = 1024;

    @Param({Impls.JSTM, Impls.GLOBAL_LOCK})
    public String impl;

    @Param({"1", "2"})
    public int threads;

    /** One event: a hit on a key with a size. */
    record Hit(int key, int bytes) {}

    private final Hit[] events = new Hit[EVENTS];
    private long handled;

    // jstm
    private EventDispatcher dispatcher;
    private LongRef[] hits;
    private LongRef[] bytes;

    // global lock
    private ExecutorService pool;
    private long[] plainHits;
    private long[] plainBytes;

    @Setup(Level.Trial)
    public void setUp() {
        Rng rng = new Rng(42);
        for (int i = 0; i < EVENTS; i++) {
            events[i] = new Hit(rng.nextInt(KEYS), 1 + rng.nextInt(1000));
        }
        if (Impls.JSTM.equals(impl)) {
            hits = new LongRef[KEYS];
            bytes = new LongRef[KEYS];
            for (int k = 0; k < KEYS; k++) {
                hits[k] = LongRef.of(0);
                bytes[k] = LongRef.of(0);
            }
            dispatcher = EventDispatcher.builder().threads(threads).capacity(4096).build();
            dispatcher.on(Hit.class, h -> {
                hits[h.key()].set(hits[h.key()].get() + 1);
                bytes[h.key()].set(bytes[h.key()].get() + h.bytes());
            });
        } else if (Impls.GLOBAL_LOCK.equals(impl)) {
            plainHits = new long[KEYS];
            plainBytes = new long[KEYS];
            pool = Executors.newFixedThreadPool(threads);
        } else {
            throw Impls.unknown(impl);
        }
    }

    @Benchmark
    public void events100k() throws Exception {
        if (dispatcher != null) {
            CompletableFuture<?>[] done = new CompletableFuture<?>[EVENTS];
            for (int i = 0; i < EVENTS; i++) {
                done[i] = dispatcher.publish(events[i]);
            }
            CompletableFuture.allOf(done).join();
        } else {
            CountDownLatch latch = new CountDownLatch(EVENTS);
            for (int i = 0; i < EVENTS; i++) {
                Hit h = events[i];
                pool.execute(() -> {
                    Impls.GIL.lock();
                    try {
                        plainHits[h.key()]++;
                        plainBytes[h.key()] += h.bytes();
                    } finally {
                        Impls.GIL.unlock();
                    }
                    latch.countDown();
                });
            }
            latch.await();
        }
        handled += EVENTS;
    }

    @TearDown(Level.Iteration)
    public void check() {
        long total = 0;
        for (int k = 0; k < KEYS; k++) {
            total += dispatcher != null ? hits[k].get() : plainHits[k];
        }
        if (total != handled) {
            throw new IllegalStateException(impl + ": " + total + " hits counted for " + handled + " events handled");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (pool != null) {
            pool.shutdown();
        }
    }
}
