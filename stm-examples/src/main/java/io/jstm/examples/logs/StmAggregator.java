package io.jstm.examples.logs;

import io.jstm.LongRef;
import io.jstm.Stm;
import io.jstm.collections.TMap;

import java.util.HashMap;
import java.util.Map;

/**
 * The totals on jstm: a {@link TMap} from domain to a pair of {@link LongRef}
 * counters, bumped with {@link LongRef#commute}, so two chunks adding to the
 * same domain do not conflict (only the first chunk to see a domain inserts it).
 */
public final class StmAggregator implements Aggregator {
    private record Counters(LongRef requests, LongRef bytes) {}

    private final TMap<String, Counters> domains = new TMap<>();
    private final LongRef[] byStatusClass = new LongRef[5];
    private final LongRef lines = LongRef.named("lines", 0);

    public StmAggregator() {
        for (int i = 0; i < byStatusClass.length; i++) {
            byStatusClass[i] = LongRef.named((i + 1) + "xx", 0);
        }
    }

    @Override
    public void add(String domain, long requests, long bytes) {
        Stm.atomic(() -> {
            Counters c = domains.get(domain);
            if (c == null) {
                c = new Counters(LongRef.named(domain + " requests", 0), LongRef.named(domain + " bytes", 0));
                domains.put(domain, c);
            }
            c.requests.commute(n -> n + requests);
            c.bytes.commute(n -> n + bytes);
        });
    }

    @Override
    public void addStatus(int statusClass, long requests) {
        byStatusClass[statusClass - 1].commute(n -> n + requests);
    }

    @Override
    public void addLines(long n) {
        lines.commute(v -> v + n);
    }

    @Override
    public Totals totals() {
        return Stm.atomic(() -> {
            Map<String, Long> requests = new HashMap<>();
            Map<String, Long> bytes = new HashMap<>();
            domains.forEach((d, c) -> {
                requests.put(d, c.requests.get());
                bytes.put(d, c.bytes.get());
            });
            long[] status = new long[byStatusClass.length];
            for (int i = 0; i < status.length; i++) {
                status[i] = byStatusClass[i].get();
            }
            return Totals.of(requests, bytes, status, lines.get());
        });
    }
}
