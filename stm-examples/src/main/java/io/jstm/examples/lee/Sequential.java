package io.jstm.examples.lee;

import io.jstm.examples.lee.Board.Route;

import java.util.Arrays;

/**
 * The floor: one thread, the depth grid a plain {@code int[]}, no
 * synchronization. Every concurrent router is measured against this.
 */
public final class Sequential implements Router {

    @Override
    public String name() {
        return "sequential";
    }

    @Override
    public Solution route(Board board, int threads) {
        if (threads != 1) {
            throw new IllegalArgumentException("the sequential router runs on 1 thread, not " + threads);
        }
        int[] depth = new int[board.cells()];
        int[][] paths = new int[board.routes().size()][];
        PathFinder finder = new PathFinder.OverArray(board, depth);
        long cpu0 = RouteWorkers.cpuNow();
        long start = System.nanoTime();
        for (Route r : board.routes()) {
            int length = finder.find(r);
            if (length > 0) {
                int[] path = Arrays.copyOf(finder.path(), length);
                for (int c : path) {
                    depth[c]++;
                }
                paths[r.index()] = path;
            }
        }
        long nanos = System.nanoTime() - start;
        long cpu = RouteWorkers.cpuNow() - cpu0;
        return new Solution(name(), 1, board, paths, depth, nanos, cpu);
    }
}
