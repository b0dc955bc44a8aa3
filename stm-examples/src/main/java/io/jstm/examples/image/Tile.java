package io.jstm.examples.image;

import java.util.ArrayList;
import java.util.List;

/**
 * A rectangle of an image that one worker filters at a time.
 *
 * @param index  its number, row by row
 * @param x      left column
 * @param y      top row
 * @param width  columns (smaller at the right edge)
 * @param height rows (smaller at the bottom edge)
 */
public record Tile(int index, int x, int y, int width, int height) {

    /** The tiles of {@code size x size} pixels covering a {@code width x height} image, row by row. */
    public static List<Tile> grid(int width, int height, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("tile size must be at least 1, not " + size);
        }
        List<Tile> tiles = new ArrayList<>();
        for (int y = 0; y < height; y += size) {
            for (int x = 0; x < width; x += size) {
                tiles.add(new Tile(tiles.size(), x, y, Math.min(size, width - x), Math.min(size, height - y)));
            }
        }
        return tiles;
    }

    public int pixels() {
        return width * height;
    }
}
