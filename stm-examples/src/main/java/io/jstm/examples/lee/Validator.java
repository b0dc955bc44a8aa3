package io.jstm.examples.lee;

import io.jstm.examples.lee.Board.Route;

/**
 * Checks a {@link Solution} against the Lee-TM validity rule, and fails loudly:
 * a router that produced a wrong board (say, an STM that lost an update) must
 * not be able to post a time.
 *
 * <p>A solution is valid when
 * <ul>
 *   <li>it has one entry per route and one depth per cell;</li>
 *   <li>every laid route's path starts at the route's start, ends at its end,
 *       stays on the board, moves one 4-neighbour step at a time, visits no
 *       cell twice, and crosses no pad other than its own two ends;</li>
 *   <li>the final depth equals, cell by cell, the number of paths through it.</li>
 * </ul>
 * Stuck routes (null paths) are allowed; {@link Solution#stuck()} lists them.
 */
public final class Validator {
    private Validator() {}

    /** A solution that breaks the validity rule; the message names the first violation. */
    public static final class InvalidSolutionException extends RuntimeException {
        InvalidSolutionException(String message) {
            super(message);
        }
    }

    /**
     * Validates {@code s} against its board.
     *
     * @return the number of routes laid
     * @throws InvalidSolutionException on the first violation found (after counting all depth mismatches)
     */
    public static int validate(Solution s) {
        Board b = s.board();
        String who = s.router() + " x" + s.threads() + " on " + b.name() + ": ";
        int[][] paths = s.paths();
        int[] depth = s.depth();
        if (paths.length != b.routes().size()) {
            throw new InvalidSolutionException(who + paths.length + " paths for " + b.routes().size() + " routes");
        }
        if (depth.length != b.cells()) {
            throw new InvalidSolutionException(who + "depth grid has " + depth.length + " cells, the board "
                    + b.cells());
        }
        int[] expected = new int[b.cells()];
        int[] seenBy = new int[b.cells()]; // route index + 1 of the last path that visited the cell
        int laid = 0;
        for (Route r : b.routes()) {
            int[] p = paths[r.index()];
            if (p == null) {
                continue;
            }
            checkPath(who, b, r, p, seenBy);
            for (int c : p) {
                expected[c]++;
            }
            laid++;
        }
        checkDepth(who, b, depth, expected);
        return laid;
    }

    private static void checkPath(String who, Board b, Route r, int[] p, int[] seenBy) {
        String what = who + r + ": ";
        if (p.length == 0) {
            throw new InvalidSolutionException(what + "empty path");
        }
        int start = r.start(b), end = r.end(b);
        if (p[0] != start) {
            throw new InvalidSolutionException(what + "path starts at " + at(b, p[0]) + ", not at its start");
        }
        if (p[p.length - 1] != end) {
            throw new InvalidSolutionException(what + "path ends at " + at(b, p[p.length - 1]) + ", not at its end");
        }
        int mark = r.index() + 1;
        for (int i = 0; i < p.length; i++) {
            int c = p[i];
            if (c < 0 || c >= b.cells()) {
                throw new InvalidSolutionException(what + "step " + i + " is off the board (cell " + c + ")");
            }
            if (seenBy[c] == mark) {
                throw new InvalidSolutionException(what + "path visits " + at(b, c) + " twice");
            }
            seenBy[c] = mark;
            if (b.isPad(c) && c != start && c != end) {
                throw new InvalidSolutionException(what + "path crosses the pad at " + at(b, c));
            }
            if (i > 0 && !adjacent(b, p[i - 1], c)) {
                throw new InvalidSolutionException(what + "step " + i + " jumps from " + at(b, p[i - 1]) + " to "
                        + at(b, c) + "; paths move one 4-neighbour step at a time");
            }
        }
    }

    private static void checkDepth(String who, Board b, int[] depth, int[] expected) {
        int wrong = 0, first = -1;
        for (int c = 0; c < depth.length; c++) {
            if (depth[c] != expected[c]) {
                if (wrong++ == 0) {
                    first = c;
                }
            }
        }
        if (wrong != 0) {
            throw new InvalidSolutionException(who + wrong + " cells have the wrong depth; first at " + at(b, first)
                    + ": depth " + depth[first] + " but " + expected[first] + " paths pass through it");
        }
    }

    private static boolean adjacent(Board b, int a, int c) {
        int ax = a % b.width(), ay = a / b.width();
        int cx = c % b.width(), cy = c / b.width();
        return Math.abs(ax - cx) + Math.abs(ay - cy) == 1;
    }

    private static String at(Board b, int c) {
        return "(" + c % b.width() + ", " + c / b.width() + ")";
    }
}
