package io.jstm.examples.lee;

import io.jstm.examples.lee.Board.Route;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The lock baseline: worker threads take routes in board order and lay each
 * one (expand, backtrack, lay) while holding a single {@link ReentrantLock}
 * over the plain {@code int[]} depth grid. Correct by construction and
 * serial in effect; more threads only add hand-over cost.
 */
public final class GlobalLock implements Router {

    @Override
    public String name() {
        return "global lock";
    }

    @Override
    public Routing prepare(Board board, int threads) {
        int[] depth = new int[board.cells()];
        int[][] paths = new int[board.routes().size()][];
        ReentrantLock lock = new ReentrantLock();
        List<IntConsumer> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            PathFinder finder = new PathFinder.OverArray(board, depth);
            workers.add(index -> {
                Route r = board.routes().get(index);
                int[] path = null;
                lock.lock();
                try {
                    int length = finder.find(r);
                    if (length > 0) {
                        path = Arrays.copyOf(finder.path(), length);
                        for (int c : path) {
                            depth[c]++;
                        }
                    }
                } finally {
                    lock.unlock();
                }
                paths[index] = path;
            });
        }
        return new RouteWorkers(name(), board, paths, workers) {
            @Override
            int[] finalDepth() {
                return depth;
            }
        };
    }
}
