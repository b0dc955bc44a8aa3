package io.jstm.examples.http;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

class HttpDemoTest {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpResponse<String> send(int port, String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher pub = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).method(method, pub)
                .build();
        return client.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private void servesAndCounts(Supplier<Backend> make) throws Exception {
        try (FrontEnd front = FrontEnd.start(0, make.get(), 2)) {
            int port = front.port();
            Store store = front.backend().store();

            HttpResponse<String> plain = send(port, "GET", "/plaintext", null);
            assertEquals(200, plain.statusCode());
            assertEquals("Hello, World!", plain.body());
            HttpResponse<String> json = send(port, "GET", "/json", null);
            assertEquals(200, json.statusCode());
            assertEquals("{\"message\":\"Hello, World!\"}", json.body());
            assertEquals("application/json", json.headers().firstValue("Content-Type").orElse(""));

            assertEquals(404, send(port, "GET", "/kv/a", null).statusCode());
            assertEquals(201, send(port, "PUT", "/kv/a", "apple").statusCode());
            HttpResponse<String> replaced = send(port, "PUT", "/kv/a", "apricot");
            assertEquals(200, replaced.statusCode());
            assertEquals("apple", replaced.body());
            assertEquals("apricot", send(port, "GET", "/kv/a", null).body());
            assertEquals(201, send(port, "PUT", "/kv/b", "banana").statusCode());
            assertEquals("banana", send(port, "DELETE", "/kv/b", null).body());
            assertEquals(404, send(port, "GET", "/nowhere", null).statusCode());

            // 200 concurrent requests: 100 to /plaintext, 100 PUTs to distinct keys.
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                all.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/plaintext")).build(), HttpResponse.BodyHandlers.ofString()));
                all.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/kv/c" + i))
                        .PUT(HttpRequest.BodyPublishers.ofString("v" + i)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                assertTrue(f.join().statusCode() < 300);
            }

            assertEquals(101, store.hits("/plaintext"));
            assertEquals(1, store.hits("/json"));
            assertEquals(4, store.hits("/kv/a"));
            assertEquals(2, store.hits("/kv/b"));
            assertEquals(1, store.hits("/kv/c42"));
            assertEquals(1, store.hits(Routes.NOT_FOUND));
            assertEquals("apricot", store.get("a"));
            assertNull(store.get("b"));
            assertEquals("v42", store.get("c42"));
            assertEquals(101, store.size());

            HttpResponse<String> hits = send(port, "GET", "/hits", null);
            assertTrue(hits.body().contains("\"/plaintext\":101"), hits.body());
            assertFalse(hits.body().contains("\"/hits\""), "counted after its snapshot: " + hits.body());
            assertEquals(1, store.hits("/hits"));
            assertTrue(send(port, "GET", "/hits", null).body().contains("\"/hits\":1"));
            assertEquals(405, send(port, "POST", "/hits", "x").statusCode());
            assertEquals(3, store.hits("/hits"), "a refused /hits is a request like any other");
            assertEquals(413, send(port, "PUT", "/kv/big", "x".repeat(FrontEnd.MAX_BODY + 1)).statusCode());
            assertEquals(0, store.hits("/kv/big"), "refused before the handlers");
            assertEquals(1, front.refused());
            long total = store.hits().values().stream().mapToLong(Long::longValue).sum();
            assertEquals(101 + 1 + 4 + 2 + 1 + 100 + 3, total);
            long deadline = System.nanoTime() + 10_000_000_000L; // the last answer is counted just after it is sent
            while (front.answered() < total && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            assertEquals(total, front.answered(), "every answered request counted exactly once");
        }
    }

    @Test
    void theJstmServerAnswersAndCountsEveryRequest() throws Exception {
        servesAndCounts(() -> new StmBackend(2));
    }

    @Test
    void theGlobalLockServerAnswersTheSame() throws Exception {
        servesAndCounts(() -> new GlobalLockBackend(2));
    }

    @Test
    void aShortBuiltInLoadRunCountsEveryResponseOnce() throws Exception {
        HttpDemo.Run r = HttpDemo.run(new StmBackend(2), LoadGenerator.Scenario.MIXED, 1, 2, 4, false, false);
        assertTrue(r.load().requests() > 0);
        assertEquals(r.answered(), r.hits());
    }

    @Test
    void wrkOutputIsParsed() throws Exception {
        String out = "Running 1s test @ http://127.0.0.1:1/plaintext\n  2 threads and 32 connections\n"
                + "  Latency Distribution\n     50%  200.00us\n     75%  1.00ms\n     90%    2.50ms\n     99%   12.34ms\n"
                + "  123456 requests in 10.01s, 15.00MB read\n  Non-2xx or 3xx responses: 7\n"
                + "Requests/sec:  12333.00\n";
        LoadGenerator.Result r = LoadGenerator.parseWrk(out);
        assertEquals(123456, r.requests());
        assertEquals(12.34, r.p99Millis(), 1e-9);
        assertEquals(10.01, r.seconds(), 1e-9);
        assertEquals(7, r.errors());
    }
}
