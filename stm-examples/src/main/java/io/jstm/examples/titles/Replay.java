package io.jstm.examples.titles;

import io.jstm.examples.common.Workers;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves a {@link Traffic}'s requests on a {@link TitleIndex} with worker
 * threads that take them in arrival order from one shared counter, each
 * request one critical section of the index (a transaction on jstm).
 */
public final class Replay {
    private Replay() {}

    /** Results returned by a query at most. */
    public static final int LIMIT = 10;

    /** Runs every request of {@code traffic} on {@code index} with {@code threads} threads. */
    public static Outcome run(TitleIndex index, Traffic traffic, int threads) {
        Op[] ops = traffic.ops();
        AtomicInteger next = new AtomicInteger();
        Tally[] tallies = new Tally[threads];
        Workers.run("titles", threads, w -> {
            Tally t = new Tally();
            for (int i; (i = next.getAndIncrement()) < ops.length; ) {
                t.serve(index, ops[i]);
            }
            tallies[w] = t; // read by the caller after Workers.run has joined this thread
        });
        Tally sum = new Tally();
        for (Tally t : tallies) {
            sum.add(t);
        }
        return new Outcome(sum.queries, sum.hits, sum.brokenHits, sum.updates, sum.failedUpdates, sum.audits,
                sum.badAudits, index);
    }

    /** One worker's counts, kept in plain fields while it runs. */
    private static final class Tally {
        long queries;
        long hits;
        long brokenHits;
        long updates;
        long failedUpdates;
        long audits;
        long badAudits;

        void serve(TitleIndex index, Op op) {
            switch (op.kind()) {
                case QUERY -> {
                    List<Hit> found = index.search(op.text(), LIMIT);
                    queries++;
                    hits += found.size();
                    for (Hit h : found) {
                        if (h.broken()) {
                            brokenHits++;
                        }
                    }
                }
                case ADD, REMOVE -> {
                    boolean changed = op.kind() == Op.Kind.ADD ? index.add(op.text()) : index.remove(op.text());
                    updates++;
                    if (!changed) {
                        failedUpdates++;
                    }
                }
                case AUDIT -> {
                    audits++;
                    if (!index.audit().consistent()) {
                        badAudits++;
                    }
                }
            }
        }

        void add(Tally t) {
            queries += t.queries;
            hits += t.hits;
            brokenHits += t.brokenHits;
            updates += t.updates;
            failedUpdates += t.failedUpdates;
            audits += t.audits;
            badAudits += t.badAudits;
        }
    }
}
