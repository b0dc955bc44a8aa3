package io.jstm.examples.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a server on 127.0.0.1 for a bounded time: with {@code wrk} when it is
 * installed, else with a small built-in generator on {@link HttpClient}
 * (bounded in time and in request count).
 */
public final class LoadGenerator {
    private LoadGenerator() {}

    /** What the clients ask for. */
    public enum Scenario {
        /** TechEmpower "plaintext": GET /plaintext only (one hot hit counter). */
        PLAINTEXT,
        /** 30% /plaintext, 30% /json, 30% GET /kv/k{1..1000}, 9% PUT /kv/k{..}, 1% GET /hits. */
        MIXED
    }

    /** Keys of the mixed scenario: k1 .. k{KEYS}. */
    public static final int KEYS = 1000;

    /** One load run. {@code p99Millis} is the 99th-percentile latency. */
    public record Result(String tool, long requests, long errors, double seconds, double p99Millis) {
        public double requestsPerSecond() {
            return requests / seconds;
        }
    }

    /** Whether {@code wrk} is on the PATH. */
    public static boolean wrkInstalled() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(5, TimeUnit.SECONDS);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ------------------------------------------------------------------ wrk

    private static final String MIXED_LUA = String.join("\n",
            "local n = 0",
            "request = function()",
            "  local r = math.random(100)",
            "  if r <= 30 then return wrk.format('GET', '/plaintext')",
            "  elseif r <= 60 then return wrk.format('GET', '/json')",
            "  elseif r <= 90 then return wrk.format('GET', '/kv/k' .. math.random(" + KEYS + "))",
            "  elseif r <= 99 then n = n + 1",
            "    return wrk.format('PUT', '/kv/k' .. math.random(" + KEYS + "), nil, 'v' .. n)",
            "  else return wrk.format('GET', '/hits') end",
            "end", "");

    /** Runs {@code wrk --latency} against 127.0.0.1:{@code port} for {@code seconds}. */
    public static Result wrk(int port, Scenario scenario, int seconds, int threads, int connections)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("wrk", "--latency", "-t" + threads, "-c" + connections,
                "-d" + seconds + "s", "--timeout", "5s"));
        Path script = null;
        if (scenario == Scenario.MIXED) {
            script = Files.createTempFile("jstm-http-mixed", ".lua");
            Files.writeString(script, MIXED_LUA);
            cmd.addAll(List.of("-s", script.toString()));
        }
        cmd.add("http://127.0.0.1:" + port + (scenario == Scenario.PLAINTEXT ? "/plaintext" : "/"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("wrk did not finish");
            }
            return parseWrk(out);
        } finally {
            if (script != null) {
                Files.deleteIfExists(script);
            }
        }
    }

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m)");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+([\\d.]+)(us|ms|s|m)\\b");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    static Result parseWrk(String out) throws IOException {
        Matcher req = REQUESTS.matcher(out);
        Matcher p99 = P99.matcher(out);
        if (!req.find() || !p99.find()) {
            throw new IOException("unexpected wrk output:\n" + out);
        }
        long errors = 0;
        Matcher sock = SOCKET_ERRORS.matcher(out);
        if (sock.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(sock.group(g));
            }
        }
        Matcher non2xx = NON_2XX.matcher(out);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        return new Result("wrk", Long.parseLong(req.group(1)), errors,
                millis(req.group(2), req.group(3)) / 1e3, millis(p99.group(1), p99.group(2)));
    }

    private static double millis(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "us" -> v / 1e3;
            case "ms" -> v;
            case "s" -> v * 1e3;
            default -> v * 60e3;
        };
    }

    // ----------------------------------------------------------- built-in

    /**
     * The fallback: {@code connections} threads, each sending one request at a
     * time with a shared {@link HttpClient}, until {@code seconds} pass or
     * {@code maxRequests} were sent.
     */
    public static Result builtIn(int port, Scenario scenario, int seconds, int connections, int maxRequests)
            throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        AtomicLong sent = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long[][] latencies = new long[connections][];
        int[] counts = new int[connections];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Thread[] threads = new Thread[connections];
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            int id = c;
            latencies[c] = new long[Math.max(16, maxRequests / connections + 1)];
            threads[c] = new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(id);
                while (System.nanoTime() < deadline && sent.incrementAndGet() <= maxRequests
                        && counts[id] < latencies[id].length) {
                    HttpRequest req = request(port, scenario, rnd, counts[id]);
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() >= 400) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    } catch (InterruptedException e) {
                        return;
                    }
                    latencies[id][counts[id]++] = System.nanoTime() - t0;
                }
            }, "load-" + c);
            threads[c].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        long[] all = new long[Arrays.stream(counts).sum()];
        int at = 0;
        for (int c = 0; c < connections; c++) {
            System.arraycopy(latencies[c], 0, all, at, counts[c]);
            at += counts[c];
        }
        Arrays.sort(all);
        double p99 = all.length == 0 ? 0 : all[Math.min(all.length - 1, (int) Math.ceil(all.length * 0.99) - 1)] / 1e6;
        return new Result("java HttpClient", all.length, errors.get(), secs, p99);
    }

    private static HttpRequest request(int port, Scenario scenario, SplittableRandom rnd, int n) {
        String base = "http://127.0.0.1:" + port;
        if (scenario == Scenario.PLAINTEXT) {
            return HttpRequest.newBuilder(URI.create(base + "/plaintext")).build();
        }
        int r = rnd.nextInt(100);
        String path = r < 30 ? "/plaintext" : r < 60 ? "/json" : r < 99 ? "/kv/k" + (1 + rnd.nextInt(KEYS)) : "/hits";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (r >= 90 && r < 99) {
            b.PUT(HttpRequest.BodyPublishers.ofString("v" + n));
        }
        return b.build();
    }

    static String describe(Result r) {
        return String.format(Locale.ROOT, "%,d requests in %.1f s", r.requests(), r.seconds());
    }
}
