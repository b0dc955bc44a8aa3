package io.jstm.dispatch;

import io.jstm.LongRef;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A rough throughput figure, not a test and not a JMH benchmark: events per
 * second through an {@link EventDispatcher} (unordered and ordered) and tasks
 * per second through a {@link TransactionQueue}, on a workload of independent
 * handlers (each event updates its own ref) or a hot one (every event also
 * updates one shared counter).
 *
 * <pre>{@code
 * java -cp stm-core/target/classes:stm-core/target/test-classes io.jstm.dispatch.DispatchThroughput [threads] [events] [virtual]
 * }</pre>
 * With {@code virtual} (JDK 21+), the dispatchers run on a virtual-thread-per-task
 * executor with parallelism {@code threads} instead of their own pool.
 */
public final class DispatchThroughput {
    record Event(int id) {}

    private DispatchThroughput() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        ExecutorService pool = args.length > 2 && args[2].equals("virtual")
                ? (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null)
                : null;
        for (int round = 0; round < 3; round++) {
            System.out.println("round " + round + " (" + threads + " threads, " + events + " events)");
            for (boolean hot : new boolean[] {false, true}) {
                for (boolean ordered : new boolean[] {false, true}) {
                    report("dispatcher " + (ordered ? "ordered  " : "unordered") + (hot ? " hot" : " independent"),
                            events, dispatch(threads, events, ordered, hot, pool));
                }
                report("queue      unordered" + (hot ? " hot" : " independent"), events,
                        queue(threads, events, false, hot));
                report("queue      ordered  " + (hot ? " hot" : " independent"), events,
                        queue(threads, events, true, hot));
            }
        }
        if (pool != null) {
            pool.shutdown();
        }
    }

    /** Runs {@code events} events through a dispatcher; returns the elapsed nanoseconds. */
    static long dispatch(int threads, int events, boolean ordered, boolean hot, Executor pool) throws Exception {
        LongRef[] own = refs(events);
        LongRef shared = LongRef.of(0);
        EventDispatcher.Builder b = EventDispatcher.builder().ordered(ordered);
        if (pool != null) {
            b.executor(pool).parallelism(threads);
        } else {
            b.threads(threads);
        }
        long start = System.nanoTime();
        try (EventDispatcher d = b.build()) {
            d.on(Event.class, e -> {
                LongRef r = own[e.id()];
                r.set(r.get() + 1);
                if (hot) {
                    shared.set(shared.get() + 1);
                }
            });
            CompletableFuture<Void> last = null;
            for (int i = 0; i < events; i++) {
                last = d.publish(new Event(i));
            }
            last.join();
        }
        return System.nanoTime() - start;
    }

    /** Runs {@code tasks} tasks through a queue; returns the elapsed nanoseconds. */
    static long queue(int threads, int tasks, boolean ordered, boolean hot) {
        LongRef[] own = refs(tasks);
        LongRef shared = LongRef.of(0);
        TransactionQueue q = new TransactionQueue();
        for (int i = 0; i < tasks; i++) {
            LongRef r = own[i];
            q.add(() -> {
                r.set(r.get() + 1);
                if (hot) {
                    shared.set(shared.get() + 1);
                }
            });
        }
        long start = System.nanoTime();
        if (ordered) {
            q.runOrdered(threads);
        } else {
            q.run(threads);
        }
        return System.nanoTime() - start;
    }

    private static LongRef[] refs(int n) {
        LongRef[] r = new LongRef[n];
        for (int i = 0; i < n; i++) {
            r[i] = LongRef.of(0);
        }
        return r;
    }

    private static void report(String what, int n, long nanos) {
        System.out.printf("  %-38s %,10.0f per second (%.2f us each)%n", what, n * 1e9 / nanos, nanos / 1e3 / n);
    }
}
