package io.jstm.examples.monitor;

/**
 * One upload from a site's gateway: some readings of each of the site's
 * sensors, one per line ({@link Reading}), oldest first.
 *
 * @param seq     its number in the feed, 0 ..
 * @param site    the uploading site
 * @param payload the readings, each line ending with a newline
 */
public record Batch(int seq, int site, String payload) {

    /** The number of readings (lines). */
    public int readings() {
        int n = 0;
        for (int i = payload.indexOf('\n'); i >= 0; i = payload.indexOf('\n', i + 1)) {
            n++;
        }
        return n;
    }
}
