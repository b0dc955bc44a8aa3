package io.jstm.examples.monitor;

/**
 * One reading, as a gateway uploads it: a line {@code sensor,epochMillis,value}
 * with the value in units with three decimals, such as {@code 217,1700000123000,23.456}.
 *
 * @param sensor the sensor's id
 * @param time   when, in epoch milliseconds
 * @param value  in thousandths of the unit (23.456 is 23456)
 */
public record Reading(int sensor, long time, long value) {

    /** Parses {@code line[from, to)}; throws IllegalArgumentException if it is not a reading. */
    public static Reading parse(String line, int from, int to) {
        int c1 = line.indexOf(',', from);
        int c2 = c1 < 0 ? -1 : line.indexOf(',', c1 + 1);
        int dot = c2 < 0 ? -1 : line.indexOf('.', c2 + 1);
        if (c1 < 0 || c2 < 0 || c2 >= to || dot < 0 || dot + 4 != to) {
            throw new IllegalArgumentException("not a reading (sensor,epochMillis,value with 3 decimals): '"
                    + line.substring(from, to) + "'");
        }
        boolean negative = line.charAt(c2 + 1) == '-';
        long whole = Long.parseLong(line, negative ? c2 + 2 : c2 + 1, dot, 10);
        long thousandths = Integer.parseInt(line, dot + 1, to, 10);
        long value = whole * 1000 + thousandths;
        return new Reading(Integer.parseInt(line, from, c1, 10), Long.parseLong(line, c1 + 1, c2, 10),
                negative ? -value : value);
    }

    /** This reading as a line, without the newline. */
    public String format() {
        long abs = Math.abs(value);
        long frac = abs % 1000;
        return sensor + "," + time + "," + (value < 0 ? "-" : "") + abs / 1000 + "."
                + (frac < 10 ? "00" : frac < 100 ? "0" : "") + frac;
    }
}
