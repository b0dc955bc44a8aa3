package io.jstm.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A small per-thread pseudo-random generator (xorshift64*), so that drawing
 * the next operation costs a few instructions and shares nothing between
 * threads. Each instance gets its own seed from a global sequence, so runs
 * are repeatable for a given thread start order.
 */
final class Rng {
    private static final AtomicLong SEEDS = new AtomicLong(0x2545F4914F6CDD1DL);

    private long state;

    Rng() {
        this(SEEDS.getAndAdd(0x9E3779B97F4A7C15L));
    }

    Rng(long seed) {
        // splitmix64 finalizer: spreads consecutive seeds; never leaves state 0.
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        state = z == 0 ? 1 : z;
    }

    long nextLong() {
        long x = state;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        state = x;
        return x * 0x2545F4914F6CDD1DL;
    }

    /** A value in {@code [0, bound)}, bound positive (multiply-shift, no division). */
    int nextInt(int bound) {
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }
}
