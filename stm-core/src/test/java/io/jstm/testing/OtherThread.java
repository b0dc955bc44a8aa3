package io.jstm.testing;

/** Runs something on another thread and waits for it: a commit made elsewhere, at a chosen point. */
public final class OtherThread {
    private OtherThread() {}

    /** Runs {@code action} on a new thread named {@code name} and joins it. */
    public static void run(String name, Runnable action) {
        Thread t = new Thread(action, name);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
