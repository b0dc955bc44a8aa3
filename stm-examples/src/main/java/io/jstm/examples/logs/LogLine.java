package io.jstm.examples.logs;

/**
 * The fields the aggregation needs, parsed from one access-log line.
 *
 * @param domain the host of the requested URL
 * @param status the HTTP status
 * @param bytes  the response size
 */
public record LogLine(String domain, int status, long bytes) {

    /** Parses a combined-log line with an absolute URL; throws IllegalArgumentException if it is not one. */
    public static LogLine parse(String line) {
        int request = line.indexOf('"');
        int scheme = line.indexOf("://", request);
        int requestEnd = line.indexOf('"', request + 1);
        if (request < 0 || scheme < 0 || requestEnd < 0 || scheme > requestEnd) {
            throw new IllegalArgumentException("not an access-log line with an absolute URL: " + line);
        }
        int hostStart = scheme + 3;
        int hostEnd = hostStart;
        while (hostEnd < requestEnd && line.charAt(hostEnd) != '/' && line.charAt(hostEnd) != ' '
                && line.charAt(hostEnd) != ':') {
            hostEnd++;
        }
        int statusStart = requestEnd + 2;
        int statusEnd = line.indexOf(' ', statusStart);
        int status = Integer.parseInt(line, statusStart, statusEnd, 10);
        String size = line.substring(statusEnd + 1).trim();
        long bytes = size.equals("-") ? 0 : Long.parseLong(size);
        return new LogLine(line.substring(hostStart, hostEnd), status, bytes);
    }
}
