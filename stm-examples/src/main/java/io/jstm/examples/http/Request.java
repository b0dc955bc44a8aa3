package io.jstm.examples.http;

/**
 * An HTTP request as the handlers see it: read off the socket before the
 * transaction starts, so that a handler re-run after a conflict reads nothing again.
 *
 * @param method the HTTP method, upper case
 * @param path   the decoded path, e.g. {@code /kv/apple}
 * @param body   the request body as UTF-8 text ("" if none)
 */
public record Request(String method, String path, String body) {}
