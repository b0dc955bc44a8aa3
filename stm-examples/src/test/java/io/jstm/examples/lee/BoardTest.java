package io.jstm.examples.lee;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class BoardTest {

    @Test
    void theMinimalBoardHasItsSizePadsAndRoutes() {
        Board b = Board.load("minimal");
        assertEquals(10, b.width());
        assertEquals(10, b.height());
        assertEquals(4, b.padCount());
        assertTrue(b.isPad(b.cell(2, 2)));
        assertFalse(b.isPad(b.cell(3, 3)));
        assertEquals(2, b.routes().size());
        Board.Route first = b.routes().get(0);
        assertEquals(b.cell(2, 2), first.start(b));
        assertEquals(b.cell(7, 7), first.end(b));
    }

    @Test
    void everyBundledBoardLoadsWithTheRouteCountItsReadmeGives() {
        int[] routes = {2, 203, 10, 90, 29, 841, 1506, 3101};
        for (int i = 0; i < Board.BUNDLED.size(); i++) {
            assertEquals(routes[i], Board.load(Board.BUNDLED.get(i)).routes().size(), Board.BUNDLED.get(i));
        }
    }

    @Test
    void commentsAndBlankLinesAreSkippedAndEEndsTheBoard() {
        Board b = Board.parse("t", "# a comment\n\nB 4 3 # size\nP 0 0\nJ 0 0 3 2\nE\nJ nonsense after the end\n");
        assertEquals(4, b.width());
        assertEquals(3, b.height());
        assertEquals(1, b.routes().size());
    }

    @Test
    void malformedBoardsAreRejectedWithTheLine() {
        IllegalArgumentException off = assertThrows(IllegalArgumentException.class,
                () -> Board.parse("t", "B 4 4\nP 9 0\nE\n"));
        assertTrue(off.getMessage().contains("t:2"), off.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Board.parse("t", "P 1 1\nB 4 4\n"));
        assertThrows(IllegalArgumentException.class, () -> Board.parse("t", "B 4 4\nJ 1 1 2\n"));
        assertThrows(IllegalArgumentException.class, () -> Board.parse("t", "B 4 4\nQ 1 1\n"));
        assertThrows(IllegalArgumentException.class, () -> Board.load("no-such-board"));
    }
}
