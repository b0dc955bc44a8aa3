package io.jstm.examples.image;

import io.jstm.examples.common.BestOf;
import io.jstm.examples.common.BestOf.Timed;
import io.jstm.examples.common.Options;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Image processing: edge detection (3 x 3 blur, then Sobel) over a generated
 * picture of a few megapixels, in tiles handed out by a jstm {@code TQueue} to
 * worker threads that add each tile's gray levels to a shared histogram of
 * commuted refs, against the same code under one global lock; both checked,
 * pixel for pixel and count for count, against a sequential two-pass run.
 *
 * <p>Usage: {@code image [width=3000] [threads=2] [--height=width*2/3] [--tile=64] [--seed=42] [--runs=3]
 * [--png=FILE] [--trace]} ({@code --png}: also write the filtered image there; times are the best of {@code runs})
 */
public final class ImageDemo {
    private ImageDemo() {}

    private static final String USAGE = "image [width] [threads] [--height=N] [--tile=N] [--seed=N] [--runs=N] "
            + "[--png=FILE] [--trace]";

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        Options o = Options.parse(args, USAGE, 2, "height=", "tile=", "seed=", "runs=", "png=", "trace");
        int width = o.positional(0, 3000);
        int threads = o.positional(1, 2);
        int height = o.intValue("height", Math.max(1, width * 2 / 3));
        int tile = o.intValue("tile", 64);
        long seed = o.longValue("seed", 42);
        int runs = o.intValue("runs", 3);
        String png = o.value("png", null);
        boolean trace = o.flag("trace");

        long t0 = System.nanoTime();
        GrayImage in = GrayImage.generate(width, height, seed);
        long pixels = (long) width * height;
        System.out.printf("image: a %,d x %,d generated picture (%.1f megapixels, seed %d, %.0f ms); 3 x 3 blur + "
                        + "Sobel edges in %,d tiles of %d x %d handed out by a TQueue; %d threads; %d cores; "
                        + "best of %d runs%n", width, height, pixels / 1e6, seed, (System.nanoTime() - t0) / 1e6,
                Tile.grid(width, height, tile).size(), tile, tile, threads,
                Runtime.getRuntime().availableProcessors(), runs);

        // Warm-up on a small picture, so the timed runs measure compiled code.
        GrayImage small = GrayImage.generate(600, 400, seed + 1);
        for (int i = 0; i < 3; i++) {
            TiledFilter.sequential(small);
            TiledFilter.runStm(small, tile, threads);
            TiledFilter.runLocked(small, tile, threads);
        }

        Timed<TiledFilter.Filtered> seq = BestOf.time(runs, () -> TiledFilter.sequential(in), f -> true);
        TiledFilter.Filtered expected = seq.result();
        Timed<TiledFilter.Filtered> stm = BestOf.timeStm(runs, trace, () -> TiledFilter.runStm(in, tile, threads),
                expected::equals);
        Timed<TiledFilter.Filtered> lock = BestOf.time(runs, () -> TiledFilter.runLocked(in, tile, threads),
                expected::equals);

        BestOf.printComparison("pixels", pixels, threads, seq, stm, lock);

        long[] h = expected.histogram();
        long edges = 0;
        long sum = 0;
        for (int level = 0; level < h.length; level++) {
            sum += level * h[level];
            edges += level >= 32 ? h[level] : 0;
        }
        System.out.printf("%nfiltered: mean level %.1f; %.1f%% edge pixels (level >= 32); %,d saturated (255)%n",
                sum / (double) pixels, 100.0 * edges / pixels, h[255]);
        System.out.printf("jstm and global lock: image and histogram equal the sequential run's in every run: %s, %s%n",
                stm.allCorrect() ? "yes" : "NO", lock.allCorrect() ? "yes" : "NO");
        if (png != null) {
            Path file = Path.of(png);
            writePng(stm.result().image(), file);
            System.out.println("filtered image (jstm run): " + file.toAbsolutePath().normalize());
        }
        if (!stm.allCorrect() || !lock.allCorrect()) {
            System.out.println("FAILED: a parallel run differs from the sequential one");
            System.exit(1);
        }
    }

    /** Writes {@code image} as an 8-bit grayscale PNG. */
    public static void writePng(GrayImage image, Path file) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_BYTE_GRAY);
        out.getRaster().setDataElements(0, 0, image.width(), image.height(), image.pixels());
        try {
            if (!ImageIO.write(out, "png", file.toFile())) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
