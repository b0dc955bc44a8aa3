package io.jstm.examples.image;

import io.jstm.collections.TQueue;
import io.jstm.examples.common.Guard;
import io.jstm.examples.common.Workers;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;

/**
 * The edge filter run in parallel, tile by tile: worker threads take tiles
 * from a shared queue, filter each and add its gray levels to a shared
 * histogram, the same code on jstm (a {@link TQueue} of tiles, a histogram of
 * commuted refs, each step a transaction) and under one global lock (an
 * {@code ArrayDeque}, plain counts, each step holding the lock, as a GIL would
 * hold it while the pixels are computed).
 *
 * <p>A tile's work is two critical sections: taking it from the queue (short,
 * so that two workers polling at once lose little when one must re-run), then
 * filtering it and adding its histogram (no shared reads on jstm, so it never
 * conflicts). The filtered pixels are returned from the second and copied into
 * the output only after it: a re-run transaction writes nothing but refs.
 */
public final class TiledFilter {
    private TiledFilter() {}

    /**
     * What a run produced.
     *
     * @param image     the filtered image
     * @param histogram its 256 gray-level counts, as aggregated by the run
     */
    public record Filtered(GrayImage image, long[] histogram) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Filtered f && f.image.equals(image) && Arrays.equals(f.histogram, histogram);
        }

        @Override
        public int hashCode() {
            return 31 * image.hashCode() + Arrays.hashCode(histogram);
        }

        @Override
        public String toString() {
            return "Filtered[" + image + ", histogram=" + Arrays.toString(histogram) + "]";
        }
    }

    /** The reference: two passes over the whole image on one thread, then a count of its levels. */
    public static Filtered sequential(GrayImage in) {
        GrayImage out = EdgeFilter.sequential(in);
        return new Filtered(out, out.histogram());
    }

    /** Tiles of {@code tileSize} from a {@link TQueue}, each step a jstm transaction, on {@code threads} threads. */
    public static Filtered runStm(GrayImage in, int tileSize, int threads) {
        return run(in, threads, Guard.jstm(), new TQueue<>(Tile.grid(in.width(), in.height(), tileSize)),
                new Histogram.OnJstm());
    }

    /** The same under one global lock, over an {@code ArrayDeque} and plain counts. */
    public static Filtered runLocked(GrayImage in, int tileSize, int threads) {
        return run(in, threads, Guard.globalLock(), new ArrayDeque<>(Tile.grid(in.width(), in.height(), tileSize)),
                new Histogram.Plain());
    }

    private static Filtered run(GrayImage in, int threads, Guard guard, Queue<Tile> tiles, Histogram histogram) {
        byte[] out = new byte[in.width() * in.height()];
        Workers.run("image", threads, w -> {
            for (Tile t; (t = guard.atomic(tiles::poll)) != null; ) {
                Tile tile = t;
                byte[] pixels = guard.atomic(() -> {
                    byte[] px = EdgeFilter.tile(in, tile);
                    histogram.add(GrayImage.levels(px));
                    return px;
                });
                // Each tile's rows go to their own part of the output; Workers.run's join publishes them.
                for (int j = 0; j < tile.height(); j++) {
                    System.arraycopy(pixels, j * tile.width(), out, (tile.y() + j) * in.width() + tile.x(),
                            tile.width());
                }
            }
        });
        return new Filtered(new GrayImage(in.width(), in.height(), out), guard.atomic(histogram::counts));
    }
}
