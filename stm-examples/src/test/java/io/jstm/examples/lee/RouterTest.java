package io.jstm.examples.lee;

import io.jstm.Stm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

class RouterTest {

    private static Solution routeAndValidate(Router router, String board, int threads) {
        Solution s = router.route(Board.load(board), threads);
        assertEquals(s.laid(), Validator.validate(s));
        assertEquals(s.board().routes().size(), s.laid() + s.stuck().size());
        return s;
    }

    @Test
    void onTheMinimalBoardBothRoutesTakeTheCheapestWayAndShareTwoCells() {
        Solution s = routeAndValidate(new Sequential(), "minimal", 1);
        assertEquals(2, s.laid());
        assertEquals(11, s.path(0).length); // 5 + 5 steps, plus the start
        // Worked by hand: the second route must cross the first. A 10-step path sharing two of its
        // cells costs 10 + 2 = 12; a single-cell crossing needs a 12-step detour costing 12 + 1 = 13.
        assertEquals(11, s.path(1).length);
        int shared = 0;
        for (int d : s.depth()) {
            if (d == 2) {
                shared++;
            }
        }
        assertEquals(2, shared);
    }

    @Test
    void aRouteWhoseEndIsWalledInByPadsIsReportedStuck() {
        Board b = Board.parse("walled", "B 5 5\nP 1 2\nP 3 2\nP 2 1\nP 2 3\nP 2 2\nJ 0 0 2 2\nJ 0 4 4 4\nE\n");
        for (Router r : new Router[] {new Sequential(), new GlobalLock(), new Jstm()}) {
            Solution s = r.route(b, 1);
            assertEquals(1, Validator.validate(s));
            assertEquals(1, s.stuck().size());
            assertEquals(0, s.stuck().get(0).index());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"minimal", "testBoard", "sparseshort_mini"})
    void theSequentialRouterLaysAValidBoard(String board) {
        Solution s = routeAndValidate(new Sequential(), board, 1);
        assertTrue(s.laid() > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"minimal", "testBoard", "sparseshort_mini"})
    void theGlobalLockRouterLaysAValidBoardWithAsManyRoutesAsSequential(String board) {
        int expected = new Sequential().route(Board.load(board), 1).laid();
        for (int threads = 1; threads <= 2; threads++) {
            assertEquals(expected, routeAndValidate(new GlobalLock(), board, threads).laid(), threads + " threads");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"minimal", "testBoard", "sparseshort_mini"})
    void theJstmRouterLaysAValidBoardWithAsManyRoutesAsSequential(String board) {
        int expected = new Sequential().route(Board.load(board), 1).laid();
        for (int threads = 1; threads <= 2; threads++) {
            assertEquals(expected, routeAndValidate(new Jstm(), board, threads).laid(), threads + " threads");
            assertEquals(expected, routeAndValidate(Jstm.withRefs(false), board, threads).laid(),
                    "refs, " + threads + " threads");
        }
    }

    @Test
    void jstmOnOneThreadLaysExactlyTheSequentialPaths() {
        Board b = Board.load("testBoard");
        Solution seq = new Sequential().route(b, 1);
        for (Jstm router : new Jstm[] {new Jstm(), Jstm.withRefs(false)}) {
            Solution stm = router.route(b, 1);
            for (Board.Route r : b.routes()) {
                assertArrayEquals(seq.path(r.index()), stm.path(r.index()), router.name() + " " + r);
            }
            assertArrayEquals(seq.depth(), stm.depth(), router.name());
        }
    }

    @Test
    void jstmStaysValidUnderRepeatedTwoThreadRunsThatConflict() {
        // testBoard is small and crowded: two workers' wavefronts overlap, so routes abort and re-run.
        Board b = Board.load("testBoard");
        int expected = new Sequential().route(b, 1).laid();
        Stm.resetStatistics();
        long reruns = 0;
        for (int i = 0; i < 10; i++) {
            Solution s = new Jstm().route(b, 2);
            assertEquals(expected, Validator.validate(s), "run " + i);
            reruns += s.reruns();
        }
        assertEquals(10L * b.routes().size(), Stm.statistics().commits());
        // The workers' own count of re-run blocks agrees with the engine's count of aborts.
        assertEquals(Stm.statistics().conflictAborts(), reruns);
    }

    @Test
    void routersThatCannotAbortReportNoReruns() {
        Board b = Board.load("testBoard");
        assertEquals(0, new Sequential().route(b, 1).reruns());
        assertEquals(0, new GlobalLock().route(b, 2).reruns());
        assertEquals(0, new Jstm().route(b, 1).reruns());
    }

    @Test
    void aPreparedRoutingRunsOnceAndHasNoSolutionBeforeItRan() {
        Router.Routing routing = new Jstm().prepare(Board.load("minimal"), 2);
        IllegalStateException early = assertThrows(IllegalStateException.class, routing::solution);
        assertEquals("jstm: no solution, the routing has not run to the end", early.getMessage());
        routing.run();
        assertEquals(2, Validator.validate(routing.solution()));
        IllegalStateException again = assertThrows(IllegalStateException.class, routing::run);
        assertEquals("jstm: this routing has run already; prepare a new one", again.getMessage());
    }

    @Test
    void aWorkerFailureStopsTheRoutingAndNamesTheCause() {
        StmRouter failing = new StmRouter() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            protected Grid newGrid(Board board) {
                return new Jstm().newGrid(board);
            }

            @Override
            protected int atomic(java.util.function.IntSupplier route) {
                throw new UnsupportedOperationException("no transactions here");
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> failing.route(Board.load("testBoard"), 2));
        assertInstanceOf(UnsupportedOperationException.class, e.getCause());
    }

    @Test
    void zeroThreadsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new GlobalLock().prepare(Board.load("minimal"), 0));
        assertThrows(IllegalArgumentException.class, () -> new Jstm().prepare(Board.load("minimal"), 0));
        assertThrows(IllegalArgumentException.class, () -> new Sequential().prepare(Board.load("minimal"), 2));
    }

    @Test
    void theDemoRunsEndToEndAndDrawsThePicture(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path png = dir.resolve("lee.png");
        LeeDemo.main(new String[] {"sparseshort_mini", "2", "--warmup=0", "--png=" + png});
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertNotNull(image);
        assertTrue(image.getWidth() >= 600, "width " + image.getWidth());
    }
}
