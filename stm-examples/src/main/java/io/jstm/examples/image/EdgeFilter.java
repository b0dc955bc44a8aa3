package io.jstm.examples.image;

/**
 * Edge detection: a 3 x 3 box blur (to calm the noise), then the Sobel
 * gradient magnitude of the blurred image, halved and capped at 255.
 * Pixels beyond the image's edges repeat the edge (both passes clamp).
 *
 * <p>Two independent implementations that must agree to the pixel:
 * {@link #sequential} makes the two passes over the whole image, the
 * textbook way; {@link #tile} filters one tile alone, blurring the tile plus a
 * one-pixel ring around it first (the halo the Sobel pass needs), so tiles can
 * be filtered in any order, in parallel.
 */
public final class EdgeFilter {
    private EdgeFilter() {}

    /** The box blur at ({@code x}, {@code y}): the rounded mean of the 3 x 3 neighbourhood, edges clamped. */
    static int blurAt(GrayImage in, int x, int y) {
        int sum = 0;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                sum += in.at(x + dx, y + dy);
            }
        }
        return (sum + 4) / 9;
    }

    /** The output level of a Sobel gradient: half its length, at most 255. */
    static int magnitude(int gx, int gy) {
        return Math.min(255, (int) Math.sqrt(gx * gx + gy * gy) / 2);
    }

    /** The whole image filtered in two passes on one thread: the reference answer. */
    public static GrayImage sequential(GrayImage in) {
        int w = in.width();
        int h = in.height();
        int[] b = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                b[y * w + x] = blurAt(in, x, y);
            }
        }
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            int up = Math.max(0, y - 1) * w;
            int row = y * w;
            int down = Math.min(h - 1, y + 1) * w;
            for (int x = 0; x < w; x++) {
                int left = Math.max(0, x - 1);
                int right = Math.min(w - 1, x + 1);
                int gx = b[up + right] + 2 * b[row + right] + b[down + right]
                        - b[up + left] - 2 * b[row + left] - b[down + left];
                int gy = b[down + left] + 2 * b[down + x] + b[down + right]
                        - b[up + left] - 2 * b[up + x] - b[up + right];
                out[row + x] = (byte) magnitude(gx, gy);
            }
        }
        return new GrayImage(w, h, out);
    }

    /** Tile {@code t} of the filtered image, row by row ({@code t.width() * t.height()} levels). */
    public static byte[] tile(GrayImage in, Tile t) {
        // The blurred tile with a one-pixel ring, at clamped image coordinates: outside the image the ring
        // repeats the blurred edge, as the sequential pass's clamped reads do.
        int bw = t.width() + 2;
        int bh = t.height() + 2;
        int[] b = new int[bw * bh];
        for (int j = 0; j < bh; j++) {
            int y = Math.max(0, Math.min(in.height() - 1, t.y() + j - 1));
            for (int i = 0; i < bw; i++) {
                int x = Math.max(0, Math.min(in.width() - 1, t.x() + i - 1));
                b[j * bw + i] = blurAt(in, x, y);
            }
        }
        byte[] out = new byte[t.pixels()];
        for (int j = 0; j < t.height(); j++) {
            for (int i = 0; i < t.width(); i++) {
                int c = (j + 1) * bw + i + 1; // this pixel in b
                int gx = b[c - bw + 1] + 2 * b[c + 1] + b[c + bw + 1] - b[c - bw - 1] - 2 * b[c - 1] - b[c + bw - 1];
                int gy = b[c + bw - 1] + 2 * b[c + bw] + b[c + bw + 1] - b[c - bw - 1] - 2 * b[c - bw] - b[c - bw + 1];
                out[j * t.width() + i] = (byte) magnitude(gx, gy);
            }
        }
        return out;
    }
}
