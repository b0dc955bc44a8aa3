package io.jstm.examples.lee;

import io.jstm.examples.lee.Board.Route;

import java.util.ArrayList;
import java.util.List;

/**
 * What a router produced for a board: the path of every route (null for a
 * stuck one), the final depth grid, and how long routing took. Check it with
 * {@link Validator#validate}.
 */
public final class Solution {
    private final String router;
    private final int threads;
    private final Board board;
    private final int[][] paths;
    private final int[] depth;
    private final long nanos;
    private final long cpuNanos;
    private final long reruns;

    /**
     * @param paths per route (by {@link Route#index()}), its cells start first, or null if stuck; kept, not copied
     * @param depth the final depth grid, by cell; kept, not copied
     * @param nanos wall-clock routing time
     * @param cpuNanos CPU time the routing threads used, summed (-1 if unknown)
     * @param reruns route attempts that aborted and ran again (0 for routers that cannot abort)
     */
    public Solution(String router, int threads, Board board, int[][] paths, int[] depth, long nanos, long cpuNanos,
                    long reruns) {
        this.router = router;
        this.threads = threads;
        this.board = board;
        this.paths = paths;
        this.depth = depth;
        this.nanos = nanos;
        this.cpuNanos = cpuNanos;
        this.reruns = reruns;
    }

    public String router() {
        return router;
    }

    public int threads() {
        return threads;
    }

    public Board board() {
        return board;
    }

    /** The path of route {@code index}, start first, or null if it is stuck. */
    public int[] path(int index) {
        return paths[index];
    }

    /** The paths array itself (by route index), for the validator and the picture. */
    int[][] paths() {
        return paths;
    }

    /** The final depth grid, by cell. */
    public int[] depth() {
        return depth;
    }

    /** Wall-clock routing time, excluding building the grid and starting threads. */
    public long nanos() {
        return nanos;
    }

    public double millis() {
        return nanos / 1e6;
    }

    /**
     * CPU time the routing threads used, summed, or -1 if the JVM cannot tell. On
     * a loaded machine this is steadier than {@link #nanos()}: it does not count
     * time spent waiting for a core (it does count spinning and wasted attempts).
     */
    public long cpuNanos() {
        return cpuNanos;
    }

    /**
     * Route attempts that aborted and ran again: the times the routes' atomic
     * blocks ran, minus the routes. Counted by the router's workers, the same
     * way for every STM; 0 for the sequential and lock routers.
     */
    public long reruns() {
        return reruns;
    }

    /** Routes laid (not stuck). */
    public int laid() {
        int n = 0;
        for (int[] p : paths) {
            if (p != null) {
                n++;
            }
        }
        return n;
    }

    /** The routes whose wavefront died out before reaching their end. */
    public List<Route> stuck() {
        List<Route> out = new ArrayList<>();
        for (Route r : board.routes()) {
            if (paths[r.index()] == null) {
                out.add(r);
            }
        }
        return out;
    }

    /** Cells covered by laid paths, counting a cell once per path through it. */
    public long totalLength() {
        long n = 0;
        for (int[] p : paths) {
            if (p != null) {
                n += p.length;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return String.format("%s x%d on %s: %d laid, %d stuck, %.1f ms", router, threads, board.name(), laid(),
                paths.length - laid(), millis());
    }
}
