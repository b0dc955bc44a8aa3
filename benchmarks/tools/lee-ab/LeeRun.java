import io.jstm.examples.lee.Board;
import io.jstm.examples.lee.Jstm;
import io.jstm.examples.lee.Router;
import io.jstm.examples.lee.Sequential;
import io.jstm.examples.lee.Solution;
import io.jstm.examples.lee.Validator;

/**
 * One router over one board, loaded once per engine by {@link LeeAB} (each copy
 * in its own class loader, next to that engine's jar). Not thread-safe.
 */
public final class LeeRun {
    private static Board board;
    private static Router router;

    private LeeRun() {}

    /** Routes {@code boardFile} once with {@code threads} workers; returns the milliseconds the routing took. */
    public static double run(String boardFile, String impl, int threads, boolean validate) throws Exception {
        if (board == null) {
            board = Board.load(boardFile);
            router = switch (impl) {
                case "sequential" -> new Sequential();
                case "jstm" -> new Jstm();
                default -> throw new IllegalArgumentException("impl " + impl + ": use sequential or jstm");
            };
        }
        Solution s = router.route(board, threads);
        if (validate) {
            Validator.validate(s);
        }
        return s.millis();
    }
}
