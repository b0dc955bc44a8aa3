package io.jstm.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Java Flight Recorder events, so the JDK's own tools (JDK Mission Control,
 * {@code jfr print}) show commits, aborts and inevitable transactions.
 *
 * <p>Each emitter uses JFR's own idiom: create the event, test
 * {@link Event#isEnabled()}, fill and commit it. While no recording enables an
 * event, {@code isEnabled()} is a constant false after instrumentation and the
 * JIT removes the allocation (escape analysis), so a disabled event costs
 * nothing on the commit path.
 */
final class JfrEvents {
    private JfrEvents() {}

    @Name("io.jstm.Commit")
    @Label("Transaction Commit")
    @Category("jstm")
    @Description("A transaction committed")
    @StackTrace(false)
    static final class CommitEvent extends Event {
        @Label("Attempt")
        int attempt;
        @Label("Reads")
        int reads;
        @Label("Writes")
        int writes;
        @Label("Inevitable")
        boolean inevitable;
    }

    @Name("io.jstm.Abort")
    @Label("Transaction Abort")
    @Category("jstm")
    @Description("A transaction attempt was rolled back")
    static final class AbortEvent extends Event {
        @Label("Reason")
        String reason;
        @Label("Ref")
        String ref;
        @Label("Attempt")
        int attempt;
        @Label("Wasted Nanoseconds")
        long wastedNanos;
    }

    @Name("io.jstm.Inevitable")
    @Label("Inevitable Transaction")
    @Category("jstm")
    @Description("A transaction ran inevitable (it could not abort; others that touched its refs waited)")
    static final class InevitableEvent extends Event {
        @Label("Escalated")
        @Description("True when the engine made it inevitable because it kept losing conflicts")
        boolean escalated;
    }

    static void commit(int attempt, int reads, int writes, boolean inevitable) {
        CommitEvent e = new CommitEvent();
        if (e.isEnabled()) {
            e.attempt = attempt;
            e.reads = reads;
            e.writes = writes;
            e.inevitable = inevitable;
            e.commit();
        }
    }

    static void abort(String reason, String ref, int attempt, long wastedNanos) {
        AbortEvent e = new AbortEvent();
        if (e.isEnabled()) {
            e.reason = reason;
            e.ref = ref;
            e.attempt = attempt;
            e.wastedNanos = wastedNanos;
            e.commit();
        }
    }

    static void inevitable(boolean escalated) {
        InevitableEvent e = new InevitableEvent();
        if (e.isEnabled()) {
            e.escalated = escalated;
            e.commit();
        }
    }
}
