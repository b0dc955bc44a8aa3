package io.jstm;

import java.util.List;

/**
 * A conflict traceback: what the most recent aborted attempt of a thread was,
 * as returned by {@link Stm#lastAbortInfo()}.
 *
 * @param reason          why the attempt was rolled back
 * @param refName         the conflicting ref's name ({@link Ref#named}) or generated description; null for an explicit retry
 * @param attempt         which attempt of its atomic block this was (1 = the first)
 * @param wastedNanos     time spent in the aborted attempt. A thread times its attempts only while it has
 *                        recently aborted (timing costs about as much as a small transaction): for an
 *                        untimed attempt shorter than about 2 ms this is 0 at first, and once the re-run
 *                        ends, that re-run's duration as an estimate
 * @param threadName      the thread that ran the aborted attempt
 * @param otherThreadName the name of the thread whose commit won, when known (conflict tracing on), else
 *                        null; followed by {@code " (inevitable)"} when the winner was the inevitable
 *                        transaction, and by {@code " (outside a transaction)"} for a write made outside one
 * @param accessSite      where this transaction first touched the ref (conflict tracing on), else empty
 * @param otherSite       where the winner wrote the ref (conflict tracing on), else empty
 */
public record AbortInfo(AbortReason reason, String refName, int attempt, long wastedNanos,
                        String threadName, String otherThreadName,
                        List<StackTraceElement> accessSite, List<StackTraceElement> otherSite) {

    public AbortInfo {
        accessSite = List.copyOf(accessSite);
        otherSite = List.copyOf(otherSite);
    }

    /** A readable multi-line traceback of both sides of the conflict. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("transaction aborted: ").append(reason);
        if (refName != null) {
            sb.append(" on ").append(refName);
        }
        sb.append(" (attempt ").append(attempt).append(", wasted ")
                .append(String.format("%.1f", wastedNanos / 1000.0)).append(" us)\n");
        sb.append("  this side: thread \"").append(threadName).append('"');
        if (accessSite.isEmpty()) {
            sb.append(" (call site not recorded: enable Stm.setConflictTracing(true) or -Djstm.conflictTracing=true)\n");
        } else {
            sb.append(", touched ").append(refName).append(" at\n");
            appendFrames(sb, accessSite);
        }
        sb.append("  other side: ");
        if (otherThreadName == null && otherSite.isEmpty()) {
            sb.append("not recorded\n");
        } else {
            sb.append("thread \"").append(otherThreadName == null ? "?" : otherThreadName).append('"');
            if (otherSite.isEmpty()) {
                sb.append('\n');
            } else {
                sb.append(", wrote ").append(refName).append(" at\n");
                appendFrames(sb, otherSite);
            }
        }
        return sb.toString();
    }

    private static void appendFrames(StringBuilder sb, List<StackTraceElement> frames) {
        for (StackTraceElement e : frames) {
            sb.append("      at ").append(e).append('\n');
        }
    }
}
