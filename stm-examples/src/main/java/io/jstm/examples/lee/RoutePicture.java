package io.jstm.examples.lee;

import io.jstm.examples.lee.Board.Route;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Draws a routed board as a PNG: a dark board, each laid route a line through
 * its cells in its own colour (hues spread by the golden ratio so neighbours in
 * board order differ), pads as gold squares, the two ends of each stuck route
 * ringed in red, and a caption line. Uses only {@link BufferedImage} and
 * {@link ImageIO}, in headless mode.
 */
public final class RoutePicture {
    private static final Color BOARD = new Color(0x0d, 0x1b, 0x12);
    private static final Color PAD = new Color(0xff, 0xd0, 0x40);
    private static final Color STUCK = new Color(0xff, 0x30, 0x30);
    private static final Color CAPTION = new Color(0xe0, 0xe0, 0xe0);
    private static final int CAPTION_HEIGHT = 22;

    private RoutePicture() {}

    /** Writes the picture of {@code s} to {@code file} (PNG). */
    public static void write(Solution s, Path file) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = draw(s);
        try {
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    /** The picture of {@code s}, at 1-16 pixels a cell (about 1200 pixels across for big boards). */
    public static BufferedImage draw(Solution s) {
        Board b = s.board();
        int scale = Math.max(1, Math.min(16, 1200 / Math.max(b.width(), b.height())));
        int w = b.width() * scale, h = b.height() * scale;
        BufferedImage image = new BufferedImage(Math.max(w, 360), h + CAPTION_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.translate(0, CAPTION_HEIGHT);
            g.setColor(BOARD);
            g.fillRect(0, 0, w, h);
            routes(g, s, scale);
            pads(g, b, scale);
            stuck(g, s, scale);
            g.translate(0, -CAPTION_HEIGHT);
            caption(g, s);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void routes(Graphics2D g, Solution s, int scale) {
        Board b = s.board();
        g.setStroke(new BasicStroke(Math.max(1, scale / 2f), BasicStroke.CAP_SQUARE, BasicStroke.JOIN_MITER));
        int half = scale / 2;
        for (Route r : b.routes()) {
            int[] p = s.path(r.index());
            if (p == null) {
                continue;
            }
            g.setColor(Color.getHSBColor((float) ((r.index() * 0.6180339887) % 1.0), 0.7f, 1.0f));
            if (p.length == 1) {
                g.fillRect(x(b, p[0]) * scale, y(b, p[0]) * scale, scale, scale);
                continue;
            }
            // One segment per straight run, so long lines are drawn once.
            int from = p[0];
            for (int i = 1; i < p.length; i++) {
                boolean turn = i + 1 < p.length && p[i + 1] - p[i] != p[i] - p[i - 1];
                if (turn || i + 1 == p.length) {
                    g.drawLine(x(b, from) * scale + half, y(b, from) * scale + half,
                            x(b, p[i]) * scale + half, y(b, p[i]) * scale + half);
                    from = p[i];
                }
            }
        }
    }

    private static void pads(Graphics2D g, Board b, int scale) {
        g.setColor(PAD);
        int size = Math.max(1, scale - scale / 4);
        int inset = (scale - size) / 2;
        for (int c = 0; c < b.cells(); c++) {
            if (b.isPad(c)) {
                g.fillRect(x(b, c) * scale + inset, y(b, c) * scale + inset, size, size);
            }
        }
    }

    private static void stuck(Graphics2D g, Solution s, int scale) {
        Board b = s.board();
        g.setColor(STUCK);
        g.setStroke(new BasicStroke(Math.max(1, scale / 3f)));
        int ring = Math.max(6, scale * 3);
        for (Route r : s.stuck()) {
            for (int c : new int[] {r.start(b), r.end(b)}) {
                int cx = x(b, c) * scale + scale / 2, cy = y(b, c) * scale + scale / 2;
                g.drawOval(cx - ring / 2, cy - ring / 2, ring, ring);
            }
        }
    }

    private static void caption(Graphics2D g, Solution s) {
        Board b = s.board();
        String text = String.format("%s  %dx%d  %s x%d  %d/%d routes laid, %d stuck", b.name(), b.width(),
                b.height(), s.router(), s.threads(), s.laid(), b.routes().size(), s.stuck().size());
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(CAPTION);
            g.drawString(text, 6, CAPTION_HEIGHT - 6);
        } catch (RuntimeException | LinkageError | InternalError e) {
            // A JDK without fonts (fontconfig missing) cannot draw text; the picture stands without it.
        }
    }

    private static int x(Board b, int c) {
        return c % b.width();
    }

    private static int y(Board b, int c) {
        return c / b.width();
    }
}
