package io.jstm.examples.http;

import java.util.Map;

/**
 * The request handlers, written once over a {@link Store}: the jstm backend
 * runs {@link #handle} as one transaction, the global-lock backend under the
 * lock. They touch nothing but the store (no I/O), so a re-run after a
 * conflict is harmless.
 *
 * <ul>
 *   <li>{@code GET /plaintext}: {@code Hello, World!} (TechEmpower "plaintext");</li>
 *   <li>{@code GET /json}: {@code {"message":"Hello, World!"}} (TechEmpower "json");</li>
 *   <li>{@code GET|PUT|DELETE /kv/{key}}: the key-value store (PUT stores the body);</li>
 *   <li>{@code GET /hits}: every path's hit count, as JSON, from one consistent snapshot.</li>
 * </ul>
 * Every request counts one hit for its path (unknown paths under {@code (not found)}); {@code /hits}
 * counts its own after its read-only snapshot committed.
 */
public final class Routes {
    private Routes() {}

    static final String HELLO = "Hello, World!";
    static final String KV = "/kv/";
    static final String NOT_FOUND = "(not found)";

    /** Answers {@code r} from {@code store}; runs inside the caller's transaction or lock. */
    public static Response handle(Request r, Store store) {
        String path = r.path();
        boolean known = path.equals("/plaintext") || path.equals("/json") || path.equals("/hits")
                || (path.startsWith(KV) && path.length() > KV.length());
        if (!path.equals("/hits")) {
            store.hit(known ? path : NOT_FOUND);
        }
        if (!known) {
            return Response.text(404, "not found: " + path);
        }
        if (path.startsWith(KV)) {
            return kv(r, path.substring(KV.length()), store);
        }
        if (!r.method().equals("GET")) {
            if (path.equals("/hits")) {
                store.hit(path); // refused, but a request like any other: counted (no snapshot was read)
            }
            return Response.text(405, "method not allowed: " + r.method());
        }
        return switch (path) {
            case "/plaintext" -> Response.text(200, HELLO);
            case "/json" -> Response.json(200, "{\"message\":\"" + HELLO + "\"}");
            default -> {
                Response snapshot = Response.json(200, hitsJson(store));
                // It read every counter: keep the transaction read-only (see Store.hitAfterCommit).
                store.hitAfterCommit(path);
                yield snapshot;
            }
        };
    }

    private static Response kv(Request r, String key, Store store) {
        switch (r.method()) {
            case "GET": {
                String v = store.get(key);
                return v == null ? Response.text(404, "no such key: " + key) : Response.text(200, v);
            }
            case "PUT": {
                String old = store.put(key, r.body());
                return old == null ? Response.text(201, "") : Response.text(200, old);
            }
            case "DELETE": {
                String old = store.delete(key);
                return old == null ? Response.text(404, "no such key: " + key) : Response.text(200, old);
            }
            default:
                return Response.text(405, "method not allowed: " + r.method());
        }
    }

    private static String hitsJson(Store store) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Long> e : store.hits().entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            quote(sb, e.getKey()).append(':').append(e.getValue());
        }
        return sb.append('}').toString();
    }

    private static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"');
    }
}
