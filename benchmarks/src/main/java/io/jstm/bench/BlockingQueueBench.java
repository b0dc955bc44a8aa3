package io.jstm.bench;

import io.jstm.RetryTimeoutException;
import io.jstm.Stm;
import io.jstm.collections.TQueue;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
import org.openjdk.jmh.infra.Control;

/**
 * A bounded blocking queue between two producer and two consumer threads (a JMH
 * group): the hand-off pattern of {@code Stm.retry()} wake-ups, where both sides
 * block (the producer while the queue is full, the consumer while it is empty),
 * so every operation may park and be woken. It guards the wake-up path's speed:
 * fair service that took turns on every hand-off once made this 5 to 10 times
 * slower (a 2 + 2 thread run of 400,000 items: 0.40-0.62 M items/s before,
 * 0.06-0.13 M with turns on every hand-off, 0.45-0.53 M with turns only for
 * calls waiting over 1 ms). Score: operations per microsecond over the group
 * (half of them puts, half takes).
 *
 * <p>{@code jstm}: a {@link TQueue} of capacity 16, {@code put}/{@code take}
 * blocking in {@code retry}. Baseline {@code arrayBlockingQueue}: a
 * {@link ArrayBlockingQueue} of the same capacity. A blocked side waits at most
 * 1 ms at a time, then checks whether the iteration is over (JMH's
 * {@link Control}), so neither side is left blocked when the other stops.
 *
 * <p>Check: after every iteration the items taken plus those still queued are
 * exactly the items put, in number and in the sum of their (random) values, so
 * an item lost, duplicated or invented fails the trial.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BlockingQueueBench {
    static final String ARRAY_BLOCKING_QUEUE = "arrayBlockingQueue";
    static final int CAPACITY = 16;
    private static final Duration SLICE = Duration.ofMillis(1);

    @Param({Impls.JSTM, ARRAY_BLOCKING_QUEUE})
    public String impl;

    private TQueue<Long> tqueue;
    private BlockingQueue<Long> abq;
    private final LongAdder putCount = new LongAdder();
    private final LongAdder putSum = new LongAdder();
    private final LongAdder takeCount = new LongAdder();
    private final LongAdder takeSum = new LongAdder();

    @Setup(Level.Iteration)
    public void setUp() {
        tqueue = new TQueue<>(CAPACITY);
        abq = new ArrayBlockingQueue<>(CAPACITY);
        putCount.reset();
        putSum.reset();
        takeCount.reset();
        takeSum.reset();
        if (!impl.equals(Impls.JSTM) && !impl.equals(ARRAY_BLOCKING_QUEUE)) {
            throw Impls.unknown(impl);
        }
    }

    @TearDown(Level.Iteration)
    public void check() {
        long count = takeCount.sum();
        long sum = takeSum.sum();
        for (Long left; (left = impl.equals(Impls.JSTM) ? tqueue.poll() : abq.poll()) != null; ) {
            count++;
            sum += left;
        }
        if (count != putCount.sum() || sum != putSum.sum()) {
            throw new IllegalStateException(impl + ": put " + putCount.sum() + " items (sum " + putSum.sum()
                    + ") but took or left " + count + " (sum " + sum + ")");
        }
    }

    @Benchmark
    @Group("handOff")
    @GroupThreads(2)
    public boolean put(Control control) throws InterruptedException {
        Long item = ThreadLocalRandom.current().nextLong(1L << 40);
        while (!control.stopMeasurement) {
            if (offer(item)) {
                putCount.increment();
                putSum.add(item);
                return true;
            }
        }
        return false;
    }

    @Benchmark
    @Group("handOff")
    @GroupThreads(2)
    public boolean take(Control control) throws InterruptedException {
        while (!control.stopMeasurement) {
            Long item = poll();
            if (item != null) {
                takeCount.increment();
                takeSum.add(item);
                return true;
            }
        }
        return false;
    }

    /** Puts {@code item}, blocking up to one slice; false if still full. */
    private boolean offer(Long item) throws InterruptedException {
        if (impl.equals(Impls.JSTM)) {
            try {
                Stm.atomic(() -> {
                    if (!tqueue.offer(item)) {
                        Stm.retryFor(SLICE);
                    }
                });
                return true;
            } catch (RetryTimeoutException full) {
                return false;
            }
        }
        return abq.offer(item, SLICE.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Takes an item, blocking up to one slice; null if still empty. */
    private Long poll() throws InterruptedException {
        if (impl.equals(Impls.JSTM)) {
            try {
                return Stm.atomic(() -> {
                    Long v = tqueue.poll();
                    if (v == null) {
                        Stm.retryFor(SLICE);
                    }
                    return v;
                });
            } catch (RetryTimeoutException empty) {
                return null;
            }
        }
        return abq.poll(SLICE.toNanos(), TimeUnit.NANOSECONDS);
    }
}
