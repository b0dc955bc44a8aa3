package io.jstm.examples.lee;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class ValidatorTest {
    private static Solution good;

    @BeforeAll
    static void routeTestBoard() {
        good = new Sequential().route(Board.load("testBoard"), 1);
    }

    /** A deep copy of {@code s} with its own arrays, to plant bugs in. */
    private static Solution copy(Solution s) {
        int[][] paths = new int[s.paths().length][];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = s.paths()[i] == null ? null : s.paths()[i].clone();
        }
        return new Solution("planted", 1, s.board(), paths, s.depth().clone(), s.nanos(), s.cpuNanos(), 0);
    }

    /** The index of a laid route with at least {@code min} cells. */
    private static int longRoute(Solution s, int min) {
        for (int i = 0; i < s.paths().length; i++) {
            if (s.paths()[i] != null && s.paths()[i].length >= min) {
                return i;
            }
        }
        throw new AssertionError("no route of " + min + " cells");
    }

    @Test
    void aCorrectSolutionIsAccepted() {
        assertEquals(good.laid(), Validator.validate(good));
        assertEquals(good.laid(), Validator.validate(copy(good)));
    }

    @Test
    void aDroppedDepthIncrementIsRejected() {
        Solution s = copy(good);
        int[] p = s.paths()[longRoute(s, 5)];
        s.depth()[p[2]]--; // a lost update: one path's +1 never landed
        Exception e = assertThrows(Validator.InvalidSolutionException.class, () -> Validator.validate(s));
        assertTrue(e.getMessage().contains("wrong depth"), e.getMessage());
    }

    @Test
    void anExtraDepthIncrementIsRejected() {
        Solution s = copy(good);
        s.depth()[0]++;
        assertThrows(Validator.InvalidSolutionException.class, () -> Validator.validate(s));
    }

    @Test
    void aBrokenPathIsRejectedEvenWhenTheDepthMatchesIt() {
        Solution s = copy(good);
        int i = longRoute(s, 5);
        int[] p = s.paths()[i];
        int gap = p[2];
        int[] broken = new int[p.length - 1];
        System.arraycopy(p, 0, broken, 0, 2);
        System.arraycopy(p, 3, broken, 2, p.length - 3);
        s.paths()[i] = broken;
        s.depth()[gap]--; // keep the depth consistent with the broken path: only the jump is wrong
        Exception e = assertThrows(Validator.InvalidSolutionException.class, () -> Validator.validate(s));
        assertTrue(e.getMessage().contains("jumps"), e.getMessage());
    }

    @Test
    void aPathThatMissesItsEndIsRejected() {
        Solution s = copy(good);
        int i = longRoute(s, 5);
        int[] p = s.paths()[i];
        s.depth()[p[p.length - 1]]--;
        s.paths()[i] = Arrays.copyOf(p, p.length - 1);
        Exception e = assertThrows(Validator.InvalidSolutionException.class, () -> Validator.validate(s));
        assertTrue(e.getMessage().contains("not at its end"), e.getMessage());
    }

    @Test
    void aPathThatCrossesAForeignPadIsRejected() {
        Board b = Board.parse("pads", "B 5 1\nP 0 0\nP 2 0\nP 4 0\nJ 0 0 4 0\nE\n");
        int[] path = {0, 1, 2, 3, 4};
        int[] depth = {1, 1, 1, 1, 1};
        Solution s = new Solution("planted", 1, b, new int[][] {path}, depth, 0, 0, 0);
        Exception e = assertThrows(Validator.InvalidSolutionException.class, () -> Validator.validate(s));
        assertTrue(e.getMessage().contains("pad"), e.getMessage());
    }

    @Test
    void aMissingPathsEntryIsRejected() {
        Solution s = new Solution("planted", 1, good.board(), new int[good.paths().length - 1][], good.depth(), 0, 0, 0);
        assertThrows(Validator.InvalidSolutionException.class, () -> Validator.validate(s));
    }
}
