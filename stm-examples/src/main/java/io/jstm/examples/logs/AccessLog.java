package io.jstm.examples.logs;

import java.util.SplittableRandom;

/**
 * A synthetic web access log, generated in memory from a seed: combined-log
 * lines such as
 * {@code 10.0.3.7 - - [12/Mar/2024:10:15:02 +0000] "GET http://shop3.example/item/812 HTTP/1.1" 200 5120}.
 * Domains are skewed (a few get most requests, as in real traffic), so the
 * parallel parsers keep hitting the same few counters.
 */
public final class AccessLog {
    private AccessLog() {}

    private static final String[] SITES = {"shop", "news", "cdn", "api", "blog", "mail", "img", "wiki"};
    private static final String[] SECTIONS = {"item", "article", "static", "v1/users", "post", "inbox", "thumb", "page"};
    private static final int[] STATUSES = {200, 200, 200, 200, 200, 200, 200, 304, 301, 404, 500};

    /** {@code lines} log lines from {@code seed}, over {@code domains} domains. */
    public static String[] generate(int lines, int domains, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] out = new String[lines];
        StringBuilder sb = new StringBuilder(128);
        for (int i = 0; i < lines; i++) {
            // Skewed: the square of a uniform variable favours small domain numbers.
            double u = rnd.nextDouble();
            int d = (int) (u * u * domains);
            int status = STATUSES[rnd.nextInt(STATUSES.length)];
            int second = i / 50;
            sb.setLength(0);
            sb.append("10.").append(rnd.nextInt(4)).append('.').append(rnd.nextInt(256)).append('.')
                    .append(rnd.nextInt(256)).append(" - - [12/Mar/2024:")
                    .append(two(10 + second / 3600 % 14)).append(':').append(two(second / 60 % 60)).append(':')
                    .append(two(second % 60)).append(" +0000] \"GET http://")
                    .append(SITES[d % SITES.length]).append(d).append(".example/")
                    .append(SECTIONS[d % SECTIONS.length]).append('/').append(rnd.nextInt(1000))
                    .append(" HTTP/1.1\" ").append(status).append(' ')
                    .append(status == 304 ? 0 : 200 + rnd.nextInt(20_000));
            out[i] = sb.toString();
        }
        return out;
    }

    private static String two(int n) {
        return n < 10 ? "0" + n : Integer.toString(n);
    }
}
