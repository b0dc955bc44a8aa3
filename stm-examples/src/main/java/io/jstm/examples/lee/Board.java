package io.jstm.examples.lee;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Lee-TM circuit board: a {@code width x height} grid, the pads on it and
 * the routes to lay between them, in file order.
 *
 * <p>Cells are numbered {@code y * width + x}; every router and the
 * {@link Validator} use that numbering. A board is immutable.
 *
 * <p>The text format (one record a line, {@code #} starts a comment):
 * {@code B W H} (the size, first), {@code P X Y} (a pad), {@code J X1 Y1 X2 Y2}
 * (a route), {@code E} (end of the board; anything after it is ignored).
 * The boards shipped with the example (see {@code lee/NOTICE.md}) come from the
 * Lee-TM distribution by way of the Apache-2.0 licensed {@code nokia/stm-benchmark}.
 */
public final class Board {
    /** The boards on the classpath under {@code /lee/}, smallest first. */
    public static final List<String> BUNDLED = List.of("minimal", "testBoard", "sparselong_mini",
            "sparseshort_mini", "sparselong", "sparseshort", "mainboard", "memboard");

    private final String name;
    private final int width;
    private final int height;
    private final boolean[] pad;
    private final int padCount;
    private final List<Route> routes;

    private Board(String name, int width, int height, boolean[] pad, int padCount, List<Route> routes) {
        this.name = name;
        this.width = width;
        this.height = height;
        this.pad = pad;
        this.padCount = padCount;
        this.routes = List.copyOf(routes);
    }

    /**
     * Loads a board by file path or by name: an existing file {@code spec} is
     * read; otherwise {@code spec} (with or without {@code .txt}) names a
     * bundled board on the classpath, or one in {@code shared/lee-boards} or
     * {@code ../shared/lee-boards} relative to the working directory.
     *
     * @throws IllegalArgumentException if no such board exists or it is malformed
     */
    public static Board load(String spec) {
        Path file = Path.of(spec);
        if (Files.isRegularFile(file)) {
            return fromFile(file);
        }
        String name = spec.endsWith(".txt") ? spec.substring(0, spec.length() - 4) : spec;
        Board bundled = fromClasspath(name);
        if (bundled != null) {
            return bundled;
        }
        for (String dir : List.of("shared/lee-boards", "../shared/lee-boards")) {
            Path p = Path.of(dir, name + ".txt");
            if (Files.isRegularFile(p)) {
                return fromFile(p);
            }
        }
        throw new IllegalArgumentException("no Lee board '" + spec + "': give a file path or one of " + BUNDLED);
    }

    /** A bundled board ({@code /lee/<name>.txt} on the classpath), or null if there is none. */
    public static Board fromClasspath(String name) {
        InputStream in = Board.class.getResourceAsStream("/lee/" + name + ".txt");
        if (in == null) {
            return null;
        }
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return parse(name, r);
        } catch (IOException e) {
            throw new UncheckedIOException("reading bundled Lee board " + name, e);
        }
    }

    /** Reads a board file; the board is named after the file, without {@code .txt}. */
    public static Board fromFile(Path file) {
        String fileName = file.getFileName().toString();
        String name = fileName.endsWith(".txt") ? fileName.substring(0, fileName.length() - 4) : fileName;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(name, r);
        } catch (IOException e) {
            throw new UncheckedIOException("reading Lee board " + file, e);
        }
    }

    /** Parses board text (see the class comment). */
    public static Board parse(String name, String text) {
        try {
            return parse(name, new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
    }

    /**
     * Parses board text from {@code in} (not closed).
     *
     * @throws IllegalArgumentException naming the line, if a record is malformed,
     *         a coordinate is off the board, or the size is missing
     */
    public static Board parse(String name, Reader in) throws IOException {
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        int width = -1, height = -1;
        boolean[] pad = null;
        int pads = 0;
        List<Route> routes = new ArrayList<>();
        String line;
        int lineNo = 0;
        while ((line = r.readLine()) != null) {
            lineNo++;
            int hash = line.indexOf('#');
            String body = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (body.isEmpty()) {
                continue;
            }
            String[] f = body.split("\\s+");
            String where = name + ":" + lineNo + ": ";
            switch (f[0]) {
                case "B" -> {
                    if (pad != null) {
                        throw new IllegalArgumentException(where + "a second B record; a board has one size");
                    }
                    int[] v = numbers(f, 2, where);
                    width = v[0];
                    height = v[1];
                    if (width <= 0 || height <= 0 || (long) width * height > Integer.MAX_VALUE / 2) {
                        throw new IllegalArgumentException(where + "bad board size " + width + " x " + height);
                    }
                    pad = new boolean[width * height];
                }
                case "P" -> {
                    requireSize(pad, where);
                    int[] v = numbers(f, 2, where);
                    int c = cell(v[0], v[1], width, height, where);
                    if (!pad[c]) {
                        pad[c] = true;
                        pads++;
                    }
                }
                case "J" -> {
                    requireSize(pad, where);
                    int[] v = numbers(f, 4, where);
                    cell(v[0], v[1], width, height, where);
                    cell(v[2], v[3], width, height, where);
                    routes.add(new Route(routes.size(), v[0], v[1], v[2], v[3]));
                }
                case "E" -> {
                    requireSize(pad, where);
                    return new Board(name, width, height, pad, pads, routes);
                }
                default -> throw new IllegalArgumentException(where + "unknown record '" + f[0]
                        + "'; expected B, P, J or E");
            }
        }
        requireSize(pad, name + ":" + lineNo + ": ");
        return new Board(name, width, height, pad, pads, routes);
    }

    private static void requireSize(boolean[] pad, String where) {
        if (pad == null) {
            throw new IllegalArgumentException(where + "no 'B width height' record before this point");
        }
    }

    private static int[] numbers(String[] f, int n, String where) {
        if (f.length != n + 1) {
            throw new IllegalArgumentException(where + "record " + f[0] + " takes " + n + " numbers, found "
                    + (f.length - 1));
        }
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            try {
                v[i] = Integer.parseInt(f[i + 1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + "'" + f[i + 1] + "' is not a number");
            }
        }
        return v;
    }

    private static int cell(int x, int y, int width, int height, String where) {
        if (x < 0 || x >= width || y < 0 || y >= height) {
            throw new IllegalArgumentException(where + "(" + x + ", " + y + ") is off the " + width + " x "
                    + height + " board");
        }
        return y * width + x;
    }

    public String name() {
        return name;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** {@code width * height}. */
    public int cells() {
        return width * height;
    }

    /** The cell number of {@code (x, y)}. */
    public int cell(int x, int y) {
        return y * width + x;
    }

    public boolean isPad(int cell) {
        return pad[cell];
    }

    public int padCount() {
        return padCount;
    }

    /** The routes to lay, in file order; {@link Route#index()} is the position in this list. */
    public List<Route> routes() {
        return routes;
    }

    @Override
    public String toString() {
        return name + " (" + width + " x " + height + ", " + padCount + " pads, " + routes.size() + " routes)";
    }

    /**
     * One route to lay, from {@code (x1, y1)} to {@code (x2, y2)}.
     *
     * @param index its position in {@link #routes()}
     */
    public record Route(int index, int x1, int y1, int x2, int y2) {
        public int start(Board b) {
            return b.cell(x1, y1);
        }

        public int end(Board b) {
            return b.cell(x2, y2);
        }

        @Override
        public String toString() {
            return "route " + index + " (" + x1 + "," + y1 + ")->(" + x2 + "," + y2 + ")";
        }
    }
}
