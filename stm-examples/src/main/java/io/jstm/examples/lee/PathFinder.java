package io.jstm.examples.lee;

import io.jstm.examples.lee.Board.Route;

import java.util.Arrays;

/**
 * Lee's algorithm for one route: expansion in a private cost matrix, then
 * backtrack. Reads the shared depth grid through {@link #depth(int)}; never
 * writes it (laying the path is the router's job, so that each router decides
 * what "one route" atomically means).
 *
 * <h2>The algorithm (lee/NOTICE.md, shared/lee-boards/README.md)</h2>
 * <ol>
 *   <li><b>Expand.</b> A breadth-first wavefront from the start (cost 1) over the
 *       4-neighbour grid. Entering a cell costs {@code 2^depth[cell]}; a cell's
 *       cost is lowered whenever a cheaper way reaches it, and a lowered cell
 *       joins the next wavefront. Pads are obstacles, except the route's own
 *       end. Stops when the wavefront is empty or no cell in it is cheaper than
 *       the cost already found at the end.</li>
 *   <li><b>Backtrack</b> from the end, always stepping to the neighbour of
 *       lowest non-zero cost, until the start. Every reached cell's cost was set
 *       from a neighbour that is now at most that cost minus its (positive)
 *       entry cost, so each step strictly lowers the cost and the walk ends at
 *       the start (cost 1, the only cell that cheap).</li>
 * </ol>
 * A route whose wavefront dies out before reaching its end is stuck: {@link #find}
 * returns 0.
 *
 * <h2>Two exact shortcuts</h2>
 * When the expansion stops, every cell whose cost is below the end's holds its
 * true cheapest cost: the cheapest way to such a cell runs through cells that
 * are all cheaper still, each of which sat in some wavefront with its final
 * cost and offered it to the next (the expansion cannot have stopped while one
 * of them was in the wavefront). The end's cost is therefore the cheapest, and
 * the backtrack, which only ever steps onto cells cheaper than the end, sees
 * the same costs whatever happened at or above the end's cost. Hence:
 * <ul>
 *   <li>a relaxation that would give a cell a cost at or above the end's
 *       current cost is skipped (it can only touch cells the backtrack never
 *       chooses), which keeps the read set small;</li>
 *   <li>a cell's depth is read once per route, when the wavefront first
 *       reaches it ({@link #weight} caches {@code 2^depth}; the depth cannot
 *       change during the route); a transaction then reads each cell once
 *       instead of up to four times.</li>
 * </ul>
 * The path is the one the plain algorithm finds, cell for cell.
 *
 * <h2>Reuse</h2>
 * One finder per worker thread, reused for every route it lays: the matrices are
 * allocated once ({@code 600 x 600} cells: about 8 MB per finder), and only the
 * cells the previous expansion touched are cleared. {@link #find} may be re-run
 * (an aborted transaction's block re-runs it) and starts clean every time.
 * Not thread-safe: confined to its worker.
 */
abstract class PathFinder {
    /** {@code 2^depth} saturates here, so that costs fit a long on any board (a sum of at most 2^31 terms). */
    private static final int MAX_SHIFT = 30;

    final Board board;
    private final int width;
    private final int cells;

    /** The private cost matrix: 0 = not reached; the start costs 1. */
    private final long[] cost;
    /** {@code 2^depth} of a reached cell, read when first reached; valid while its cost is non-zero. */
    private final long[] weight;
    /** The cells whose cost is non-zero, to clear before the next route. */
    private final int[] touched;
    private int touchedCount;

    private int[] front;
    private int[] next;
    /** {@code queued[c] == generation}: {@code c} is already in {@link #next}. */
    private final int[] queued;
    private int generation;

    /** The last path found, start first, in {@code path[0 .. length)}. */
    private final int[] path;

    PathFinder(Board board) {
        this.board = board;
        this.width = board.width();
        this.cells = board.cells();
        this.cost = new long[cells];
        this.weight = new long[cells];
        this.touched = new int[cells];
        this.front = new int[cells];
        this.next = new int[cells];
        this.queued = new int[cells];
        this.path = new int[cells];
    }

    /** The number of laid routes through {@code cell}, as this finder's router sees it. */
    protected abstract int depth(int cell);

    /** The path {@link #find} found last: {@code path()[0 .. length)}, start first. Overwritten by the next call. */
    final int[] path() {
        return path;
    }

    /**
     * Expands and backtracks {@code route}; returns the path's length (at least
     * 1), or 0 if the route is stuck.
     */
    final int find(Route route) {
        clear();
        int start = route.start(board);
        int end = route.end(board);
        if (start == end) {
            path[0] = start;
            return 1;
        }
        if (!expand(start, end)) {
            return 0;
        }
        return backtrack(start, end);
    }

    private void clear() {
        long[] cs = cost;
        int[] ts = touched;
        for (int i = 0, n = touchedCount; i < n; i++) {
            cs[ts[i]] = 0;
        }
        touchedCount = 0;
    }

    /** Runs the wavefront; true if the end was reached. */
    private boolean expand(int start, int end) {
        long[] cs = cost;
        cs[start] = 1;
        weight[start] = 1;
        touched[touchedCount++] = start;
        front[0] = start;
        int frontSize = 1;
        while (frontSize > 0) {
            long best = cs[end];
            if (best != 0 && cheapest(frontSize) >= best) {
                break;
            }
            if (++generation == Integer.MAX_VALUE) {
                Arrays.fill(queued, 0);
                generation = 1;
            }
            int nextSize = 0;
            for (int i = 0; i < frontSize; i++) {
                int c = front[i];
                int x = c % width;
                if (x > 0) {
                    nextSize = relax(c, c - 1, end, nextSize);
                }
                if (x < width - 1) {
                    nextSize = relax(c, c + 1, end, nextSize);
                }
                if (c >= width) {
                    nextSize = relax(c, c - width, end, nextSize);
                }
                if (c < cells - width) {
                    nextSize = relax(c, c + width, end, nextSize);
                }
            }
            int[] t = front;
            front = next;
            next = t;
            frontSize = nextSize;
        }
        return cs[end] != 0;
    }

    private long cheapest(int frontSize) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < frontSize; i++) {
            min = Math.min(min, cost[front[i]]);
        }
        return min;
    }

    /** Offers {@code n} the way through {@code c}; returns the new size of the next wavefront. */
    private int relax(int c, int n, int end, int nextSize) {
        long[] cs = cost;
        long old = cs[n];
        long w;
        if (old == 0) {
            if (board.isPad(n) && n != end) {
                return nextSize;
            }
            w = 1L << Math.min(depth(n), MAX_SHIFT);
            weight[n] = w;
        } else {
            w = weight[n];
        }
        long offer = cs[c] + w;
        long best = cs[end];
        // Not cheaper than what n has, or than the end has (which covers n == end).
        if ((old != 0 && offer >= old) || (best != 0 && offer >= best)) {
            return nextSize;
        }
        if (old == 0) {
            touched[touchedCount++] = n;
        }
        cs[n] = offer;
        if (queued[n] != generation) {
            queued[n] = generation;
            next[nextSize++] = n;
        }
        return nextSize;
    }

    /** Walks from the end to the start down the cost gradient; stores the path start first. */
    private int backtrack(int start, int end) {
        long[] cs = cost;
        int length = 0;
        int c = end;
        path[length++] = c;
        while (c != start) {
            int x = c % width;
            int step = -1;
            long low = Long.MAX_VALUE;
            if (x > 0 && cs[c - 1] != 0 && cs[c - 1] < low) {
                low = cs[c - 1];
                step = c - 1;
            }
            if (x < width - 1 && cs[c + 1] != 0 && cs[c + 1] < low) {
                low = cs[c + 1];
                step = c + 1;
            }
            if (c >= width && cs[c - width] != 0 && cs[c - width] < low) {
                low = cs[c - width];
                step = c - width;
            }
            if (c < cells - width && cs[c + width] != 0 && cs[c + width] < low) {
                low = cs[c + width];
                step = c + width;
            }
            if (step < 0 || low >= cs[c] || length == cells) {
                throw new IllegalStateException("Lee backtrack lost its way at cell " + c + " (cost " + cs[c]
                        + "): the cost matrix is inconsistent");
            }
            c = step;
            path[length++] = c;
        }
        reverse(length);
        return length;
    }

    private void reverse(int length) {
        for (int i = 0, j = length - 1; i < j; i++, j--) {
            int t = path[i];
            path[i] = path[j];
            path[j] = t;
        }
    }

    /** A finder over a plain {@code int[]} depth grid (the sequential and lock routers). */
    static final class OverArray extends PathFinder {
        private final int[] depth;

        OverArray(Board board, int[] depth) {
            super(board);
            this.depth = depth;
        }

        @Override
        protected int depth(int cell) {
            return depth[cell];
        }
    }
}
