package io.jstm.examples.lee;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PathFinderTest {

    /**
     * The README's algorithm with no shortcuts: list wavefronts, the depth read at
     * every relaxation, no pruning at the end's cost. Slow and obviously literal.
     */
    private static int[][] plainLee(Board b) {
        int w = b.width(), n = b.cells();
        int[] depth = new int[n];
        long[] cost = new long[n];
        int[][] paths = new int[b.routes().size()][];
        for (Board.Route r : b.routes()) {
            Arrays.fill(cost, 0);
            int s = r.start(b), e = r.end(b);
            cost[s] = 1;
            List<Integer> front = List.of(s);
            while (!front.isEmpty()) {
                if (cost[e] != 0 && front.stream().mapToLong(c -> cost[c]).min().getAsLong() >= cost[e]) {
                    break;
                }
                LinkedHashSet<Integer> next = new LinkedHashSet<>();
                for (int c : front) {
                    for (int m : neighbours(c, w, n)) {
                        if (m < 0 || (b.isPad(m) && m != e)) {
                            continue;
                        }
                        long offer = cost[c] + (1L << depth[m]);
                        if (cost[m] == 0 || offer < cost[m]) {
                            cost[m] = offer;
                            next.add(m);
                        }
                    }
                }
                front = new ArrayList<>(next);
            }
            if (cost[e] == 0) {
                continue; // stuck
            }
            List<Integer> path = new ArrayList<>(List.of(e));
            for (int c = e; c != s; ) {
                int step = -1;
                for (int m : neighbours(c, w, n)) {
                    if (m >= 0 && cost[m] != 0 && (step < 0 || cost[m] < cost[step])) {
                        step = m;
                    }
                }
                c = step;
                path.add(c);
            }
            Collections.reverse(path);
            paths[r.index()] = path.stream().mapToInt(Integer::intValue).toArray();
            for (int c : paths[r.index()]) {
                depth[c]++;
            }
        }
        return paths;
    }

    /** Left, right, up, down; -1 off the board. */
    private static int[] neighbours(int c, int w, int n) {
        int x = c % w;
        return new int[] {x > 0 ? c - 1 : -1, x < w - 1 ? c + 1 : -1, c >= w ? c - w : -1, c < n - w ? c + w : -1};
    }

    @Test
    void theShortcutsLayExactlyThePathsOfThePlainAlgorithm() {
        for (String name : List.of("minimal", "testBoard", "sparselong_mini", "sparseshort_mini")) {
            Board b = Board.load(name);
            int[][] plain = plainLee(b);
            Solution s = new Sequential().route(b, 1);
            for (Board.Route r : b.routes()) {
                assertArrayEquals(plain[r.index()], s.path(r.index()), name + " " + r);
            }
        }
    }

    @Test
    void aReusedFinderStartsCleanForEveryRoute() {
        Board b = Board.load("testBoard");
        int[] depth = new int[b.cells()];
        PathFinder reused = new PathFinder.OverArray(b, depth);
        for (Board.Route r : b.routes()) {
            int length = reused.find(r);
            int[] path = Arrays.copyOf(reused.path(), length);
            PathFinder fresh = new PathFinder.OverArray(b, depth);
            int freshLength = fresh.find(r);
            assertArrayEquals(Arrays.copyOf(fresh.path(), freshLength), path, r.toString());
            for (int c : path) {
                depth[c]++;
            }
        }
    }
}
