package io.jstm.examples.image;

import io.jstm.LongRef;

/**
 * The filtered image's histogram (256 gray-level counts), added to tile by
 * tile by the workers: on jstm or in plain counts under the global lock. Call
 * both methods inside the run's guard.
 */
interface Histogram {
    /** Adds one tile's counts. */
    void add(long[] counts);

    /** The 256 counts so far. */
    long[] counts();

    /**
     * One {@link LongRef} per level, bumped with {@link LongRef#commute}: tiles
     * adding to the same levels at the same time never conflict, since neither
     * reads the count it adds to.
     */
    final class OnJstm implements Histogram {
        private final LongRef[] bins = new LongRef[256];

        OnJstm() {
            for (int i = 0; i < bins.length; i++) {
                bins[i] = LongRef.named("level-" + i, 0);
            }
        }

        @Override
        public void add(long[] counts) {
            for (int i = 0; i < bins.length; i++) {
                long c = counts[i];
                if (c != 0) {
                    bins[i].commute(n -> n + c);
                }
            }
        }

        @Override
        public long[] counts() {
            long[] out = new long[bins.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = bins[i].get();
            }
            return out;
        }
    }

    /** Plain counts, for code that holds the global lock. */
    final class Plain implements Histogram {
        private final long[] bins = new long[256];

        @Override
        public void add(long[] counts) {
            for (int i = 0; i < bins.length; i++) {
                bins[i] += counts[i];
            }
        }

        @Override
        public long[] counts() {
            return bins.clone();
        }
    }
}
