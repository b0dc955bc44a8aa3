package io.jstm;

/**
 * Thrown out of an atomic block that called {@link Stm#retryFor(java.time.Duration)}
 * when nothing it read changed before the timeout. The transaction has been
 * rolled back: none of its writes are visible.
 */
public class RetryTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RetryTimeoutException(String message) {
        super(message);
    }
}
