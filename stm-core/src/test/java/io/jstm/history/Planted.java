package io.jstm.history;

/** Thrown on purpose by a block of a workload; whatever it wrote must be rolled back. */
final class Planted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Planted() {
        super("planted failure", null, false, false);
    }
}
