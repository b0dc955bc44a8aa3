package io.jstm.bench;

import io.jstm.Stm;
import io.jstm.collections.TMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import scala.concurrent.stm.japi.STM;

/**
 * Transactional map against the maps users would pick instead: 4,096 keys,
 * 80% {@code get} and 20% {@code put} of a random present key (so the size
 * never changes), each call individually atomic (outside any transaction).
 * jstm's {@code TMap}, ScalaSTM's {@code TMap} (through its Java view),
 * {@link ConcurrentHashMap} and {@code Collections.synchronizedMap(HashMap)}.
 * The {@code ...InTxn} variants make each call inside an atomic block of its
 * own ({@code Stm.atomic}, ScalaSTM's {@code STM.atomic}), the way a map is
 * used when its operations compose with others.
 * After every iteration every key must still be present with a value it was
 * given.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TMapBench {
    static final int KEYS = 4096;

    @Param({"jstmTMap", "scalastmTMap", "jstmTMapInTxn", "scalastmTMapInTxn", "concurrentHashMap", "synchronizedMap"})
    public String map;

    /** 0: each call on its own; 1: inside {@code Stm.atomic}; 2: inside ScalaSTM's {@code STM.atomic}. */
    private int wrap;

    private Map<Integer, Integer> m;
    private final Integer[] boxes = new Integer[KEYS];

    @Setup(Level.Trial)
    public void setUp() {
        wrap = switch (map) {
            case "jstmTMapInTxn" -> 1;
            case "scalastmTMapInTxn" -> 2;
            default -> 0;
        };
        m = switch (map) {
            case "jstmTMap", "jstmTMapInTxn" -> new TMap<>();
            case "scalastmTMap", "scalastmTMapInTxn" -> STM.newMap(); // a java.util.Map view of a ScalaSTM TMap
            case "concurrentHashMap" -> new ConcurrentHashMap<>();
            case "synchronizedMap" -> Collections.synchronizedMap(new HashMap<>());
            default -> throw new IllegalArgumentException("unknown map '" + map + "'");
        };
        for (int k = 0; k < KEYS; k++) {
            boxes[k] = k;
            m.put(boxes[k], boxes[k]);
        }
    }

    /** Per-thread random keys. */
    @State(Scope.Thread)
    public static class Local {
        final Rng rng = new Rng();
    }

    @TearDown(Level.Iteration)
    public void check() {
        if (m.size() != KEYS) {
            throw new IllegalStateException(map + ": size " + m.size() + ", expected " + KEYS);
        }
        for (int k = 0; k < KEYS; k++) {
            Integer v = m.get(boxes[k]);
            if (v == null || v < 0 || v >= KEYS) {
                throw new IllegalStateException(map + ": key " + k + " maps to " + v);
            }
        }
    }

    private Object step(Local local) {
        int r = local.rng.nextInt(KEYS * 5);
        return switch (wrap) {
            case 1 -> Stm.atomic(() -> call(r));
            case 2 -> STM.atomic((Callable<Object>) () -> call(r));
            default -> call(r);
        };
    }

    private Object call(int r) {
        int k = r % KEYS;
        if (r < KEYS) {
            return m.put(boxes[k], boxes[(k * 31 + 7) % KEYS]);
        }
        return m.get(boxes[k]);
    }

    @Benchmark
    @Threads(1)
    public Object t1(Local local) {
        return step(local);
    }

    @Benchmark
    @Threads(2)
    public Object t2(Local local) {
        return step(local);
    }
}
