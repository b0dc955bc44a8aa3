package io.jstm.examples.http;

import io.jstm.ConflictReport;
import io.jstm.Stm;
import io.jstm.StmStatistics;
import io.jstm.examples.common.ConflictSummary;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntFunction;

/**
 * An HTTP server whose request handlers run as transactions on jstm's
 * {@link io.jstm.dispatch.EventDispatcher}, over shared state (a hit counter
 * per path and a key-value store), against the same handlers under one global lock.
 *
 * <p>Usage:
 * <ul>
 *   <li>{@code http [port=8080] [--lock]}: serves on 127.0.0.1 until killed
 *       ({@code curl 127.0.0.1:8080/json}, {@code curl -X PUT -d hi 127.0.0.1:8080/kv/a},
 *       {@code curl 127.0.0.1:8080/kv/a}, {@code curl 127.0.0.1:8080/hits});</li>
 *   <li>{@code http --bench [seconds=10] [--threads=N] [--io=N] [--connections=32] [--java] [--trace]}:
 *       starts each variant in turn on an ephemeral loopback port and loads it with
 *       {@code wrk} (2 threads, 32 connections; the built-in Java client with {@code --java} or when
 *       wrk is missing) for {@code seconds} per scenario: TechEmpower plaintext, then a mix of
 *       json, plaintext, key-value reads and writes and hit-count snapshots.</li>
 * </ul>
 */
public final class HttpDemo {
    private HttpDemo() {}

    /** One variant under one scenario. */
    public record Run(String server, LoadGenerator.Scenario scenario, LoadGenerator.Result load, long hits,
                      long answered, StmStatistics stats, ConflictReport conflicts) {
        /** Every answered request was counted exactly once. */
        public boolean consistent() {
            return hits == answered;
        }
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        int cores = Runtime.getRuntime().availableProcessors();
        boolean bench = false;
        boolean lock = false;
        boolean java = false;
        boolean trace = false;
        int threads = cores;
        int io = cores;
        int connections = 32;
        Integer number = null;
        for (String a : args) {
            if (a.equals("--bench")) {
                bench = true;
            } else if (a.equals("--lock")) {
                lock = true;
            } else if (a.equals("--java")) {
                java = true;
            } else if (a.equals("--trace")) {
                trace = true;
            } else if (a.startsWith("--threads=")) {
                threads = Integer.parseInt(a.substring(10));
            } else if (a.startsWith("--io=")) {
                io = Integer.parseInt(a.substring(5));
            } else if (a.startsWith("--connections=")) {
                connections = Integer.parseInt(a.substring(14));
            } else if (!a.startsWith("--")) {
                number = Integer.parseInt(a);
            } else {
                throw new IllegalArgumentException("unknown option " + a + "; usage: http [port] [--lock] | "
                        + "http --bench [seconds] [--threads=N] [--io=N] [--connections=N] [--java] [--trace]");
            }
        }
        if (bench) {
            bench(number == null ? 10 : number, threads, io, connections, java, trace);
        } else {
            serve(number == null ? 8080 : number, lock, threads, io);
        }
    }

    private static void serve(int port, boolean lock, int threads, int io) throws Exception {
        Backend backend = lock ? new GlobalLockBackend(threads) : new StmBackend(threads);
        FrontEnd front = FrontEnd.start(port, backend, io);
        System.out.printf("serving on http://127.0.0.1:%d/ with %s (%d handler threads, %d I/O threads); "
                + "endpoints /plaintext /json /kv/{key} (GET, PUT, DELETE) /hits; Ctrl-C to stop%n",
                front.port(), backend.name(), threads, io);
        Runtime.getRuntime().addShutdownHook(new Thread(front::close));
        new CountDownLatch(1).await();
    }

    private static void bench(int seconds, int threads, int io, int connections, boolean forceJava, boolean trace)
            throws Exception {
        boolean wrk = !forceJava && LoadGenerator.wrkInstalled();
        if (!wrk && !forceJava) {
            System.out.println("wrk not found; install it with 'apt-get install -y wrk' (Debian/Ubuntu) or "
                    + "'brew install wrk'. Falling back to the built-in Java load generator.");
        }
        System.out.printf("http bench: %s, %d s per run, %d connections to 127.0.0.1; %d handler threads, "
                        + "%d I/O threads; %d cores%n%n", wrk ? "wrk -t2" : "built-in Java client", seconds,
                connections, threads, io, Runtime.getRuntime().availableProcessors());
        List<IntFunction<Backend>> variants = List.of(StmBackend::new, GlobalLockBackend::new);
        List<Run> runs = new ArrayList<>();
        System.out.printf("%-10s %-12s %12s %9s %8s  %s%n", "scenario", "server", "requests/s", "p99 ms", "errors",
                "hits counted = responses");
        for (LoadGenerator.Scenario scenario : LoadGenerator.Scenario.values()) {
            for (IntFunction<Backend> make : variants) {
                Run r = run(make.apply(threads), scenario, seconds, io, connections, wrk, trace);
                runs.add(r);
                System.out.printf("%-10s %-12s %,12.0f %9.2f %,8d  %s%n", scenario.name().toLowerCase(), r.server(),
                        r.load().requestsPerSecond(), r.load().p99Millis(), r.load().errors(),
                        r.consistent() ? "yes (" + r.hits() + ")" : "NO: " + r.hits() + " hits, " + r.answered()
                                + " responses");
            }
        }
        System.out.println();
        for (LoadGenerator.Scenario scenario : LoadGenerator.Scenario.values()) {
            Run stm = find(runs, scenario, "jstm");
            Run gil = find(runs, scenario, "global lock");
            System.out.printf("%s: jstm %s the global lock's requests/s; p99 %.2f ms vs %.2f ms%n",
                    scenario.name().toLowerCase(),
                    ConflictSummary.ratio(stm.load().requestsPerSecond(), gil.load().requestsPerSecond()),
                    stm.load().p99Millis(), gil.load().p99Millis());
            ConflictSummary.print(stm.stats(), stm.conflicts());
        }
        if (runs.stream().anyMatch(r -> !r.consistent())) {
            System.out.println("FAILED: hit counters do not match the responses written");
            System.exit(1);
        }
    }

    private static Run find(List<Run> runs, LoadGenerator.Scenario scenario, String server) {
        return runs.stream().filter(r -> r.scenario() == scenario && r.server().equals(server)).findFirst()
                .orElseThrow();
    }

    /** Starts {@code backend} on an ephemeral loopback port, warms it up, loads it, stops it. */
    static Run run(Backend backend, LoadGenerator.Scenario scenario, int seconds, int io, int connections,
                   boolean wrk, boolean trace) throws Exception {
        for (int k = 1; k <= LoadGenerator.KEYS; k++) {
            backend.store().put("k" + k, "v0");
        }
        boolean stm = backend instanceof StmBackend;
        LoadGenerator.Result load;
        try (FrontEnd front = FrontEnd.start(0, backend, io)) {
            load(front.port(), scenario, Math.min(2, seconds), connections, wrk); // JIT warm-up
            if (stm) {
                Stm.setConflictTracing(trace);
                Stm.resetStatistics();
            }
            load = load(front.port(), scenario, seconds, connections, wrk);
            front.close();
            StmStatistics stats = stm ? Stm.statistics() : null;
            ConflictReport conflicts = stm ? Stm.conflictReport() : null;
            Stm.setConflictTracing(false);
            long hits = backend.store().hits().values().stream().mapToLong(Long::longValue).sum();
            return new Run(backend.name(), scenario, load, hits, front.answered(), stats, conflicts);
        }
    }

    private static LoadGenerator.Result load(int port, LoadGenerator.Scenario scenario, int seconds, int connections,
                                             boolean wrk) throws Exception {
        return wrk ? LoadGenerator.wrk(port, scenario, seconds, 2, connections)
                : LoadGenerator.builtIn(port, scenario, seconds, connections, 200_000 * seconds);
    }
}
