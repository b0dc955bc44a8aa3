package io.jstm.examples.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The JDK's {@link HttpServer}, bound to 127.0.0.1 only, in front of a
 * {@link Backend}.
 *
 * <p>How a request flows: the server's executor (a small I/O pool) parses the
 * exchange and reads the body, then hands the transactional part to the
 * backend ({@code EventDispatcher.submit} for jstm) and returns at once; when
 * the backend's future completes (the transaction committed), the response is
 * written by the thread that completed it. No byte is written inside a
 * transaction, so a handler re-run after a conflict never answers twice.
 */
public final class FrontEnd implements AutoCloseable {
    static {
        // The JDK server leaves Nagle's algorithm on: a response written as headers,
        // then body, then waits for the client's delayed ACK, about 40 ms a request
        // on Linux (700 requests/s on 32 connections). Read once, when the server
        // class initializes; a value given on the command line wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Request bodies above this are refused (413). */
    static final int MAX_BODY = 64 * 1024;

    private final HttpServer server;
    private final ExecutorService io;
    private final Backend backend;
    /** Responses written, all statuses. */
    private final LongAdder answered = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();

    private FrontEnd(HttpServer server, ExecutorService io, Backend backend) {
        this.server = server;
        this.io = io;
        this.backend = backend;
    }

    /** Starts serving {@code backend} on 127.0.0.1:{@code port} (0: an ephemeral port). */
    public static FrontEnd start(int port, Backend backend, int ioThreads) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        AtomicInteger n = new AtomicInteger();
        ExecutorService io = Executors.newFixedThreadPool(ioThreads, r -> {
            Thread t = new Thread(r, "http-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        FrontEnd front = new FrontEnd(server, io, backend);
        server.createContext("/", front::accept);
        server.setExecutor(io);
        server.start();
        return front;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Backend backend() {
        return backend;
    }

    /** Responses written so far to requests the handlers answered (each counted one hit). */
    public long answered() {
        return answered.sum();
    }

    /** Requests refused before reaching the handlers (a body over {@link #MAX_BODY}: 413). */
    public long refused() {
        return refused.sum();
    }

    /** Runs on the I/O pool: read the request, hand it to the backend, return without waiting. */
    private void accept(HttpExchange ex) {
        Request request;
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                // Refused before any handler saw it: no hit, so it is not an "answered" request either.
                refused.increment();
                send(ex, Response.text(413, "body over " + MAX_BODY + " bytes"));
                return;
            }
            request = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            ex.close();
            return;
        }
        backend.handle(request).whenComplete((response, failure) -> write(ex,
                failure == null ? response : Response.text(500, "handler failed: " + failure)));
    }

    /** After the commit: status, headers, body, close; counts the answer. */
    private void write(HttpExchange ex, Response r) {
        try {
            send(ex, r);
        } finally {
            answered.increment();
        }
    }

    /** Status, headers, body, close. A client that went away is ignored. */
    private static void send(HttpExchange ex, Response r) {
        try {
            ex.getResponseHeaders().set("Content-Type", r.contentType());
            ex.getResponseHeaders().set("Server", "jstm-example");
            ex.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
            if (r.body().length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(r.body());
                }
            }
        } catch (IOException ignored) {
            // the client closed the connection; nothing to answer
        } finally {
            ex.close();
        }
    }

    /** Stops accepting, lets exchanges in flight finish (up to a second), stops the pools. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(1);
        backend.close();
        io.shutdown();
        try {
            io.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
