package io.jstm.examples.logs;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What an aggregation found: per domain, requests and bytes; requests per
 * status class (index 0 for 1xx .. 4 for 5xx); lines read. Immutable, and
 * equal figures make equal records.
 */
public record Totals(SortedMap<String, Long> requests, SortedMap<String, Long> bytes, List<Long> byStatusClass,
                     long lines) {
    public static Totals of(Map<String, Long> requests, Map<String, Long> bytes, long[] byStatusClass, long lines) {
        return new Totals(new TreeMap<>(requests), new TreeMap<>(bytes),
                java.util.Arrays.stream(byStatusClass).boxed().toList(), lines);
    }

    public long totalBytes() {
        return bytes.values().stream().mapToLong(Long::longValue).sum();
    }
}
