package io.jstm.examples.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TiledFilterTest {

    @Test
    void aStepEdgeGivesTheHandComputedSobelLevels() {
        // Columns 0..2 black, 3..5 at 90. Blurred columns: 0 0 30 60 90 90 (rows repeat, so gy = 0);
        // gx = 4 * (right - left), edges clamped: 0 120 240 240 120 0; halved: 0 60 120 120 60 0.
        byte[] p = new byte[6 * 4];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i % 6 >= 3 ? 90 : 0);
        }
        GrayImage step = new GrayImage(6, 4, p);
        byte[] row = {0, 60, 120, 120, 60, 0};
        byte[] expected = new byte[24];
        for (int y = 0; y < 4; y++) {
            System.arraycopy(row, 0, expected, 6 * y, 6);
        }
        assertArrayEquals(expected, EdgeFilter.sequential(step).pixels());
        for (int size : new int[] {1, 2, 4, 100}) {
            assertArrayEquals(expected, TiledFilter.runStm(step, size, 2).image().pixels(), "tile " + size);
        }
        assertArrayEquals(expected, EdgeFilter.tile(step, new Tile(0, 0, 0, 6, 4)));
        assertArrayEquals(new byte[] {120, 60, 120, 60}, EdgeFilter.tile(step, new Tile(0, 3, 1, 2, 2)));
    }

    @Test
    void aFlatImageHasNoEdges() {
        byte[] p = new byte[50 * 30];
        Arrays.fill(p, (byte) 200);
        TiledFilter.Filtered f = TiledFilter.runLocked(new GrayImage(50, 30, p), 8, 2);
        assertArrayEquals(new byte[50 * 30], f.image().pixels());
        assertEquals(1500, f.histogram()[0]);
        assertEquals(1500, Arrays.stream(f.histogram()).sum());
    }

    @Test
    void theParallelTiledRunsEqualTheSequentialRunPixelForPixelAndCountForCount() {
        GrayImage in = GrayImage.generate(301, 203, 5); // partial tiles at the right and bottom edges
        TiledFilter.Filtered expected = TiledFilter.sequential(in);
        assertEquals(301L * 203, Arrays.stream(expected.histogram()).sum());
        assertTrue(Arrays.stream(expected.histogram()).skip(32).sum() > 500, "the picture should have edges");
        for (int tile : new int[] {7, 32, 64, 1000}) {
            assertEquals(expected, TiledFilter.runStm(in, tile, 2), "jstm, tile " + tile);
            assertEquals(expected, TiledFilter.runLocked(in, tile, 2), "global lock, tile " + tile);
        }
        assertEquals(expected, TiledFilter.runStm(in, 16, 3));
        assertEquals(expected, TiledFilter.runStm(in, 16, 1));
    }

    @Test
    void theTilesCoverEveryPixelOnce() {
        List<Tile> tiles = Tile.grid(130, 70, 64);
        assertEquals(6, tiles.size());
        assertEquals(new Tile(5, 128, 64, 2, 6), tiles.get(5));
        int[] covered = new int[130 * 70];
        for (Tile t : tiles) {
            for (int y = t.y(); y < t.y() + t.height(); y++) {
                for (int x = t.x(); x < t.x() + t.width(); x++) {
                    covered[y * 130 + x]++;
                }
            }
        }
        assertTrue(Arrays.stream(covered).allMatch(c -> c == 1));
    }

    @Test
    void theGeneratedPictureIsTheSameForTheSameSeed() {
        assertEquals(GrayImage.generate(200, 100, 3), GrayImage.generate(200, 100, 3));
        assertNotEquals(GrayImage.generate(200, 100, 3), GrayImage.generate(200, 100, 4));
    }

    @Test
    void theFilteredImageIsWrittenAsAGrayscalePng(@TempDir Path dir) throws Exception {
        GrayImage out = TiledFilter.runStm(GrayImage.generate(120, 80, 9), 32, 2).image();
        Path file = dir.resolve("edges.png");
        ImageDemo.writePng(out, file);
        BufferedImage back = ImageIO.read(file.toFile());
        assertEquals(120, back.getWidth());
        assertEquals(80, back.getHeight());
        byte[] read = new byte[120 * 80];
        back.getRaster().getDataElements(0, 0, 120, 80, read);
        assertArrayEquals(out.pixels(), read);
    }
}
