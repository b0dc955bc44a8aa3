package io.jstm.examples.lee;

import io.jstm.examples.lee.Board.Route;

import java.util.Arrays;
import java.util.List;

/**
 * The floor: one worker thread, the depth grid a plain {@code int[]}, no
 * synchronization. Every concurrent router is measured against this.
 */
public final class Sequential implements Router {

    @Override
    public String name() {
        return "sequential";
    }

    @Override
    public Routing prepare(Board board, int threads) {
        if (threads != 1) {
            throw new IllegalArgumentException("the sequential router runs on 1 thread, not " + threads);
        }
        int[] depth = new int[board.cells()];
        int[][] paths = new int[board.routes().size()][];
        PathFinder finder = new PathFinder.OverArray(board, depth);
        return new RouteWorkers(name(), board, paths, List.of(index -> {
            Route r = board.routes().get(index);
            int length = finder.find(r);
            if (length > 0) {
                int[] path = Arrays.copyOf(finder.path(), length);
                for (int c : path) {
                    depth[c]++;
                }
                paths[index] = path;
            }
        })) {
            @Override
            int[] finalDepth() {
                return depth;
            }
        };
    }
}
