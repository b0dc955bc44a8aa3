package io.jstm.examples.logs;

import io.jstm.dispatch.TransactionQueue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-domain request and byte counts of an access log, computed three ways:
 * sequentially (the reference answer), by chunk tasks on a jstm
 * {@link TransactionQueue}, and by the same chunk tasks on threads sharing one
 * global lock.
 */
public final class LogAggregation {
    private LogAggregation() {}

    /**
     * One task: parses lines {@code [from, to)}, totals them locally, then adds
     * the chunk's totals to {@code shared}. The same code for both variants; on
     * jstm it runs as one transaction, under the global lock as one critical section.
     */
    public static void addChunk(String[] lines, int from, int to, Aggregator shared) {
        Map<String, long[]> local = new HashMap<>();
        long[] status = new long[5];
        for (int i = from; i < to; i++) {
            LogLine l = LogLine.parse(lines[i]);
            long[] c = local.computeIfAbsent(l.domain(), d -> new long[2]);
            c[0]++;
            c[1] += l.bytes();
            status[l.status() / 100 - 1]++;
        }
        local.forEach((domain, c) -> shared.add(domain, c[0], c[1]));
        for (int s = 0; s < status.length; s++) {
            if (status[s] != 0) {
                shared.addStatus(s + 1, status[s]);
            }
        }
        shared.addLines(to - from);
    }

    /** Every chunk as its own transaction on a {@link TransactionQueue} run by {@code threads} threads. */
    public static Totals runStm(String[] lines, int chunk, int threads) {
        StmAggregator shared = new StmAggregator();
        TransactionQueue queue = new TransactionQueue();
        for (int from = 0; from < lines.length; from += chunk) {
            int f = from;
            int t = Math.min(lines.length, from + chunk);
            queue.add(() -> addChunk(lines, f, t, shared));
        }
        queue.run(threads);
        return shared.totals();
    }

    /** Every chunk under the one global lock, on {@code threads} threads. */
    public static Totals runLocked(String[] lines, int chunk, int threads) throws InterruptedException {
        LockedAggregator shared = new LockedAggregator();
        AtomicInteger next = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            workers.add(new Thread(() -> {
                for (int from; (from = next.getAndAdd(chunk)) < lines.length; ) {
                    shared.lock.lock();
                    try {
                        addChunk(lines, from, Math.min(lines.length, from + chunk), shared);
                    } finally {
                        shared.lock.unlock();
                    }
                }
            }, "logs-lock-" + w));
        }
        for (Thread t : workers) {
            t.start();
        }
        for (Thread t : workers) {
            t.join();
        }
        return shared.totals();
    }

    /** The reference answer: one thread, plain maps. */
    public static Totals sequential(String[] lines) {
        Map<String, Long> requests = new HashMap<>();
        Map<String, Long> bytes = new HashMap<>();
        long[] status = new long[5];
        for (String line : lines) {
            LogLine l = LogLine.parse(line);
            requests.merge(l.domain(), 1L, Long::sum);
            bytes.merge(l.domain(), l.bytes(), Long::sum);
            status[l.status() / 100 - 1]++;
        }
        return Totals.of(requests, bytes, status, lines.length);
    }
}
