package io.jstm.history;

import java.util.List;

/**
 * One violation found by the {@link HistoryChecker}, with the attempts that
 * show it (their full op lists are printed: the failing excerpt of the history).
 *
 * @param kind     which guarantee is broken
 * @param summary  one line: the values and edges involved
 * @param attempts the attempts involved, in the order the summary names them
 */
record Anomaly(Kind kind, String summary, List<Attempt> attempts) {

    /** The anomaly classes, after Adya's and Elle's names where there is one. */
    enum Kind {
        /** G1a: a read saw a write of an attempt that did not commit (aborted, or failed with an exception). */
        ABORTED_READ,
        /** G1a within a transaction: a read saw a write its own transaction discarded (failed nested block, orElse branch that retried). */
        DISCARDED_READ,
        /** G1b: a read saw a value its writer later overwrote in the same transaction. */
        INTERMEDIATE_READ,
        /** A read saw a value nobody ever wrote. */
        GARBAGE_READ,
        /** A read after the attempt's own write of the ref did not return that write. */
        READ_YOUR_WRITES,
        /** One attempt read two different committed versions of the same ref. */
        NON_REPEATABLE_READ,
        /** Two committed transactions both overwrote the same version of a ref (P4). */
        LOST_UPDATE,
        /**
         * A committed write without an earlier read of its ref (or a committed commute
         * whose function never ran): its place in the version order is unknown.
         */
        BLIND_WRITE,
        /** Cycle of write-write dependencies among committed transactions. */
        CYCLE_G0,
        /** Cycle of write-write and write-read dependencies among committed transactions. */
        CYCLE_G1C,
        /** Cycle among committed transactions with exactly one anti-dependency (read skew). */
        CYCLE_G_SINGLE,
        /** Cycle among committed transactions with two or more anti-dependencies (write skew). */
        CYCLE_G2,
        /** Cycle among committed transactions that needs a real-time edge: not strictly serializable. */
        CYCLE_REALTIME,
        /**
         * Opacity: a cycle through an attempt that did not commit. Its reads fit
         * no single point of any serialization of the committed transactions
         * (respecting real time): it saw an inconsistent snapshot.
         */
        INCONSISTENT_SNAPSHOT
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(kind).append(": ").append(summary);
        for (Attempt a : attempts) {
            sb.append("\n    ").append(a);
        }
        return sb.toString();
    }
}
