package io.jstm.examples.http;

import java.nio.charset.StandardCharsets;

/**
 * What a handler answers: built inside the transaction, written to the socket
 * only after it committed.
 */
public record Response(int status, String contentType, byte[] body) {
    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json";

    static Response text(int status, String body) {
        return new Response(status, TEXT, body.getBytes(StandardCharsets.UTF_8));
    }

    static Response json(int status, String body) {
        return new Response(status, JSON, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The body as text (for tests and logs). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
