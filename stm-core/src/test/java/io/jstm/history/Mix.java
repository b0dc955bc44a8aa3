package io.jstm.history;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The proportions of a workload's transaction shapes: each shape of a workload
 * has one weight per mix, in the order of this enum.
 */
enum Mix {
    /** Mostly updates, with every other shape well represented. */
    BALANCED,
    /** Mostly read-only transactions and full scans: long snapshots, served from version history. */
    READ_MOSTLY;

    /** One of {@code shapes}, drawn with probability proportional to its weight in this mix. */
    <S> S pick(SplittableRandom rnd, S[] shapes, Function<S, int[]> weights) {
        int total = 0;
        for (S s : shapes) {
            total += weights.apply(s)[ordinal()];
        }
        int x = rnd.nextInt(total);
        for (S s : shapes) {
            x -= weights.apply(s)[ordinal()];
            if (x < 0) {
                return s;
            }
        }
        throw new AssertionError("weights changed while drawing");
    }
}
