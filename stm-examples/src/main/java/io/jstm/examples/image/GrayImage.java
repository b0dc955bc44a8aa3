package io.jstm.examples.image;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An 8-bit grayscale image, row by row. Treated as immutable once made: the
 * filters only read it, from any number of threads (published to them by
 * {@link Thread#start}).
 *
 * @param width  pixels a row
 * @param height rows
 * @param pixels {@code width * height} gray levels, 0 (black) to 255 as unsigned bytes
 */
public record GrayImage(int width, int height, byte[] pixels) {
    public GrayImage {
        if (width < 1 || height < 1 || pixels.length != width * height) {
            throw new IllegalArgumentException("a " + width + " x " + height + " image needs " + width * height
                    + " pixels, not " + pixels.length);
        }
    }

    /** The gray level at ({@code x}, {@code y}), coordinates clamped into the image (edges repeat outwards). */
    public int at(int x, int y) {
        int cx = Math.max(0, Math.min(width - 1, x));
        int cy = Math.max(0, Math.min(height - 1, y));
        return pixels[cy * width + cx] & 0xff;
    }

    /**
     * A test picture from {@code seed}: a diagonal gradient, a few hundred
     * filled discs and rectangles of random gray levels (each drawn over the
     * earlier ones), and uniform noise of up to 12 levels either way.
     */
    public static GrayImage generate(int width, int height, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] p = new byte[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                p[y * width + x] = (byte) (40 + 120 * (x + y) / (width + height));
            }
        }
        int shapes = Math.max(8, (int) ((long) width * height / 20_000));
        int maxSize = Math.max(4, Math.min(width, height) / 16);
        for (int s = 0; s < shapes; s++) {
            int cx = rnd.nextInt(width);
            int cy = rnd.nextInt(height);
            int r = 2 + rnd.nextInt(maxSize);
            byte level = (byte) rnd.nextInt(256);
            boolean disc = rnd.nextBoolean();
            for (int y = Math.max(0, cy - r); y < Math.min(height, cy + r); y++) {
                for (int x = Math.max(0, cx - r); x < Math.min(width, cx + r); x++) {
                    if (!disc || (x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r) {
                        p[y * width + x] = level;
                    }
                }
            }
        }
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) Math.max(0, Math.min(255, (p[i] & 0xff) + rnd.nextInt(25) - 12));
        }
        return new GrayImage(width, height, p);
    }

    /** How many pixels have each gray level: 256 counts. */
    public long[] histogram() {
        return levels(pixels);
    }

    /** How many of {@code pixels} have each gray level. */
    static long[] levels(byte[] pixels) {
        long[] counts = new long[256];
        for (byte b : pixels) {
            counts[b & 0xff]++;
        }
        return counts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GrayImage g && g.width == width && g.height == height && Arrays.equals(g.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "GrayImage[" + width + " x " + height + "]";
    }
}
