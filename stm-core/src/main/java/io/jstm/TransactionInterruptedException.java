package io.jstm;

/**
 * Thrown out of an atomic block when its thread is interrupted while blocked
 * (in {@link Stm#retry()}). The transaction has been rolled back, no waiter is
 * left behind, and the thread's interrupt flag is still set.
 */
public class TransactionInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransactionInterruptedException(String message) {
        super(message);
    }
}
