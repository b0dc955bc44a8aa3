package io.jstm.internal;

/**
 * The control signal that unwinds user code when an attempt must end early
 * (conflict, explicit retry, restart as inevitable).
 *
 * <p>It extends {@link Error} so that ordinary {@code catch (Exception e)}
 * blocks in user code let it pass, and it carries no stack trace and no state
 * (one shared instance; the reason lives in the transaction descriptor). If
 * user code swallows it anyway, the descriptor stays doomed: every later
 * commit attempt of that attempt fails and the block is re-run.
 */
public final class TransactionAbort extends Error {
    private static final long serialVersionUID = 1L;

    static final TransactionAbort INSTANCE = new TransactionAbort();

    private TransactionAbort() {
        super("jstm transaction control signal: let it propagate out of the atomic block", null, false, false);
    }
}
