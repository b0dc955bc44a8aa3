package io.jstm.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstm.LongRef;
import io.jstm.Stm;
import io.jstm.examples.lee.Board;
import io.jstm.examples.lee.Sequential;
import io.jstm.examples.lee.Solution;
import io.jstm.examples.lee.StmRouter;
import io.jstm.examples.lee.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every Lee router the benchmark can run, ScalaSTM and Multiverse included,
 * routes the small boards at 1 and 2 threads through {@link LeeBench}'s own
 * set-up, benchmark method and check, so a router that lays a wrong board fails
 * {@code mvn verify}, not only a benchmark run.
 */
class LeeBenchTest {

    /** One invocation as JMH runs it: prepare, route, check; returns the aborts the check reported. */
    private static long invoke(LeeBench bench) {
        LeeBench.Check check = new LeeBench.Check();
        bench.prepare();
        bench.route(check);
        check.validate(bench);
        return check.aborts;
    }

    private static LeeBench bench(String board, String impl, int threads) {
        LeeBench bench = new LeeBench();
        bench.board = board;
        bench.impl = impl;
        bench.threads = threads;
        bench.init();
        return bench;
    }

    @ParameterizedTest
    @CsvSource({
        "minimal, sequential, 1", "testBoard, sequential, 1",
        "minimal, globalLock, 1", "testBoard, globalLock, 1", "testBoard, globalLock, 2",
        "minimal, jstm, 1", "testBoard, jstm, 1", "testBoard, jstm, 2",
        "minimal, jstmRefs, 1", "testBoard, jstmRefs, 1", "testBoard, jstmRefs, 2",
        "minimal, scalastm, 1", "testBoard, scalastm, 1", "testBoard, scalastm, 2",
        "minimal, scalastmTArray, 1", "testBoard, scalastmTArray, 1", "testBoard, scalastmTArray, 2",
        "minimal, multiverse, 1", "testBoard, multiverse, 1", "testBoard, multiverse, 2"})
    void everyRouterLaysAValidBoard(String board, String impl, int threads) {
        LeeBench bench = bench(board, impl, threads);
        for (int i = 0; i < 3; i++) {
            long aborts = invoke(bench);
            // Multiverse re-runs a block on one thread too: its executor starts transactions in a lean
            // speculative configuration and restarts them in a bigger one when they outgrow it.
            if (threads == 1 && !impl.equals(Impls.MULTIVERSE)) {
                assertEquals(0, aborts, "nothing to conflict with on one thread");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Impls.SCALA_STM, Impls.MULTIVERSE})
    void onOneThreadThePeerStmsLayExactlyTheSequentialPaths(String impl) {
        Board b = Board.load("testBoard");
        Solution seq = new Sequential().route(b, 1);
        Solution stm = LeeBench.router(impl).route(b, 1);
        for (Board.Route r : b.routes()) {
            assertArrayEquals(seq.path(r.index()), stm.path(r.index()), impl + " " + r);
        }
        assertArrayEquals(seq.depth(), stm.depth());
    }

    @Test
    void sequentialRefusesTwoThreads() {
        assertThrows(Impls.SkipTrial.class, () -> bench("testBoard", LeeBench.SEQUENTIAL, 2));
    }

    @Test
    void anUnknownRouterIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> bench("testBoard", "nosuchstm", 1));
    }

    @Test
    void aRouterThatLosesAnUpdatePostsNoTime() {
        LeeBench bench = bench("testBoard", Impls.JSTM, 1);
        bench.router = new LossyRouter();
        Validator.InvalidSolutionException e = assertThrows(Validator.InvalidSolutionException.class,
                () -> invoke(bench));
        assertTrue(e.getMessage().contains("1 cells have the wrong depth"), e.getMessage());
    }

    /** A jstm router whose grid drops its 100th increment: the board comes out wrong in one cell. */
    private static final class LossyRouter extends StmRouter {
        @Override
        public String name() {
            return "lossy";
        }

        @Override
        protected Grid newGrid(Board board) {
            LongRef[] cells = new LongRef[board.cells()];
            for (int c = 0; c < cells.length; c++) {
                cells[c] = LongRef.of(0);
            }
            return new Grid() {
                private int increments;

                @Override
                public int depth(int cell) {
                    return (int) cells[cell].get();
                }

                @Override
                public void increment(int cell) {
                    if (++increments != 100) {
                        cells[cell].set(cells[cell].get() + 1);
                    }
                }

                @Override
                public int committedDepth(int cell) {
                    return (int) cells[cell].get();
                }
            };
        }

        @Override
        protected int atomic(IntSupplier route) {
            return Stm.atomic(route::getAsInt);
        }
    }

    @Test
    void leeTableShowsTimesAbortsPerBoardAndJstmRatios(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("lee.json");
        Files.writeString(json, """
                [
                  {"benchmark": "io.jstm.bench.LeeBench.route", "mode": "ss", "threads": 1,
                   "params": {"board": "mainboard", "impl": "sequential", "threads": "1"},
                   "primaryMetric": {"score": 1000.0, "scoreError": 50.0, "scoreUnit": "ms/op"},
                   "secondaryMetrics": {"aborts": {"score": 0.0, "scoreUnit": "#", "rawData": [[0.0, 0.0]]}}},
                  {"benchmark": "io.jstm.bench.LeeBench.route", "mode": "ss", "threads": 1,
                   "params": {"board": "mainboard", "impl": "jstm", "threads": "2"},
                   "primaryMetric": {"score": 1500.0, "scoreError": "NaN", "scoreUnit": "ms/op"},
                   "secondaryMetrics": {"aborts": {"score": 30.0, "scoreUnit": "#", "rawData": [[10.0, 20.0]]}}},
                  {"benchmark": "io.jstm.bench.LeeBench.route", "mode": "ss", "threads": 1,
                   "params": {"board": "mainboard", "impl": "scalastm", "threads": "2"},
                   "primaryMetric": {"score": 3000.0, "scoreError": 100.0, "scoreUnit": "ms/op"},
                   "secondaryMetrics": {"aborts": {"score": 90.0, "scoreUnit": "#", "rawData": [[40.0, 50.0]]}}},
                  {"benchmark": "io.jstm.bench.LeeBench.route", "mode": "ss", "threads": 1,
                   "params": {"board": "mainboard", "impl": "scalastmTArray", "threads": "2"},
                   "primaryMetric": {"score": 2000.0, "scoreError": 100.0, "scoreUnit": "ms/op"},
                   "secondaryMetrics": {"aborts": {"score": 60.0, "scoreUnit": "#", "rawData": [[30.0, 30.0]]}}},
                  {"benchmark": "io.jstm.bench.LeeBench.route", "mode": "ss", "threads": 1,
                   "params": {"board": "testBoard", "impl": "jstm", "threads": "1"},
                   "primaryMetric": {"score": 10.0, "scoreError": 1.0, "scoreUnit": "ms/op"},
                   "secondaryMetrics": {"aborts": {"score": 0.0, "scoreUnit": "#", "rawData": [[0.0, 0.0]]}}}
                ]
                """);
        String table = LeeTable.table(LeeTable.read(json));
        assertTrue(table.startsWith("| board | threads | sequential ms | jstm ms | scalastm ms | scalastmTArray ms |"
                + " jstm aborts | scalastm aborts | scalastmTArray aborts | jstm / sequential |"
                + " jstm / fastest peer STM |"), table);
        // testBoard sorts before mainboard; aborts are per board (the mean, not JMH's sum over iterations).
        assertTrue(table.indexOf("| testBoard | 1 |") < table.indexOf("| mainboard | 1 |"), table);
        // The fastest peer is the quicker ScalaSTM variant (TArray here), named beside the ratio.
        assertTrue(table.contains("| mainboard | 2 | - | 1500 ± - | 3000 ± 100 | 2000 ± 100 | 15.0 | 45.0 | 30.0 |"
                + " 1.50x | 0.750x (scalastmTArray) |"), table);
    }
}
