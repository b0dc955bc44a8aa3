package io.jstm.examples.monitor;

/**
 * A sensor's configuration: where it is and its calibrated normal range.
 * Values are in thousandths of the unit (milli-degrees, say), so sums are exact.
 *
 * @param id    its number, 0 ..
 * @param site  the site whose gateway uploads its readings
 * @param mean  its calibrated mean
 * @param sigma its calibrated standard deviation
 */
public record Sensor(int id, int site, long mean, long sigma) {
    /** How many standard deviations from the mean, times two, a reading may stray before it is an anomaly. */
    public static final int LIMIT_HALF_SIGMAS = 9;

    /** The lowest normal reading: {@code mean - 4.5 sigma}. */
    public long low() {
        return mean - LIMIT_HALF_SIGMAS * sigma / 2;
    }

    /** The highest normal reading: {@code mean + 4.5 sigma}. */
    public long high() {
        return mean + LIMIT_HALF_SIGMAS * sigma / 2;
    }

    /** Whether {@code value} lies outside the normal range: the rule depends on nothing but this reading. */
    public boolean anomalous(long value) {
        return value < low() || value > high();
    }
}
