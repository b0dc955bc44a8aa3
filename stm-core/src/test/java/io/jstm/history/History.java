package io.jstm.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A complete history: the refs' initial values and every attempt of every
 * transaction, committed or not, as recorded by {@link HistoryRecorder}s or
 * built by hand in a test.
 *
 * <p>Refs are numbered {@code 0..refCount()-1}. The checker needs each write
 * to be recognisable from its value: within one ref, no value may be written
 * twice or equal the initial value (the workload writes globally unique values,
 * so every read names exactly one writer).
 */
final class History {

    private final long[] initial;
    private final List<Attempt> attempts = new ArrayList<>();

    History(long... initial) {
        this.initial = initial.clone();
    }

    /** Adds one attempt; returns it for chaining in hand-built histories. */
    Attempt add(Attempt a) {
        attempts.add(a);
        return a;
    }

    void addAll(List<Attempt> as) {
        attempts.addAll(as);
    }

    int refCount() {
        return initial.length;
    }

    long initial(int ref) {
        return initial[ref];
    }

    List<Attempt> attempts() {
        return Collections.unmodifiableList(attempts);
    }
}
