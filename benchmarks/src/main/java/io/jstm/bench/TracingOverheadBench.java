package io.jstm.bench;

import io.jstm.Stm;
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

/**
 * What conflict tracing costs: jstm's small transaction (workload 1, read 8
 * refs and write 2) with {@code Stm.setConflictTracing} off and on. Off, the
 * engine reads one flag per attempt; on, it walks the stack once per ref a
 * transaction touches, so "on" is a debugging mode and this shows its price.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TracingOverheadBench {
    /** "jstm": tracing off; "jstmTracing": tracing on. */
    @Param({"jstm", "jstmTracing"})
    public String impl;

    private SmallTxnBench.JstmTxn txn;
    private long ops;

    @Setup(Level.Trial)
    public void setUp() {
        Stm.setConflictTracing("jstmTracing".equals(impl));
        txn = new SmallTxnBench.JstmTxn();
    }

    @TearDown(Level.Iteration)
    public void check() {
        long want0 = (1 + ops) & SmallTxnBench.MASK;
        long want1 = (2 + SmallTxnBench.CONSTANT_SUM * ops) & SmallTxnBench.MASK;
        if (txn.value(0) != want0 || txn.value(1) != want1) {
            throw new IllegalStateException(impl + ": lost or torn update after " + ops + " transactions");
        }
    }

    @TearDown(Level.Trial)
    public void tracingOff() {
        Stm.setConflictTracing(false);
    }

    @Benchmark
    @Threads(1)
    public void t1() {
        txn.run();
        ops++;
    }
}
