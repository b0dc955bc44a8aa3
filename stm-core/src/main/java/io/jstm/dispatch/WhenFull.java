package io.jstm.dispatch;

/**
 * What {@link EventDispatcher#publish} and {@link EventDispatcher#submit} do
 * when the dispatcher already holds its capacity of accepted, unfinished
 * events and tasks (see {@link EventDispatcher.Builder#capacity(int)}).
 */
public enum WhenFull {
    /**
     * Wait (parked, using no CPU) until an event finishes and makes room. The
     * default. An interrupt ends the wait with a
     * {@link java.util.concurrent.RejectedExecutionException} and leaves the
     * interrupt flag set. Events published from the dispatcher's own handlers
     * never wait (only handlers could make room: waiting there could deadlock);
     * they are accepted beyond the capacity.
     */
    BLOCK,
    /** Refuse at once with a {@link java.util.concurrent.RejectedExecutionException}. */
    FAIL
}
