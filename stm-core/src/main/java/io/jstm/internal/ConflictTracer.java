package io.jstm.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Conflict tracing: where transactions touch refs and where winners wrote them.
 *
 * <h2>Overview</h2>
 * Off by default; switched by {@code Stm.setConflictTracing} or
 * {@code -Djstm.conflictTracing=true}. A transaction reads the switch once when
 * an attempt begins; while it is on, the attempt takes the slow access paths,
 * which record the call site of its first access to each ref. A committer
 * (and an outside write, and the inevitable transaction when it marks a ref)
 * records itself as the ref's last writer, with the site of its first access
 * to that ref. An abort then pairs "where we touched it" with "where the
 * winner wrote it". A committer records itself only once it holds its locks,
 * so a loser that found a ref locked first waits (briefly) for the holder to
 * finish before it looks the writer up. Off, the cost is one flag read per
 * attempt.
 *
 * <p>Sites are captured as a native stack ({@link Site}) and, when a report
 * needs them, trimmed of jstm's own frames, so the first frame is the user's code. Last-writer records live in a
 * weak map keyed by ref identity, guarded by a lock (not {@code synchronized}:
 * virtual threads must not pin); tracing is a debugging mode and pays for it.
 */
public final class ConflictTracer {
    private ConflictTracer() {}

    /** The switch. Volatile: a change is seen by the next attempt that begins. */
    private static volatile boolean enabled = Boolean.getBoolean("jstm.conflictTracing");

    private static final int MAX_FRAMES = 16;

    /**
     * A captured call site. Capturing is cheap (the JVM records the stack in
     * native form, {@link Throwable#fillInStackTrace()}); turning it into
     * trimmed {@link StackTraceElement}s happens only when a report asks, once.
     * A site may be read by other threads (as a winner's site): the frames
     * list is immutable, so a racy first computation is harmless.
     */
    public static final class Site {
        private final Throwable trace = new Throwable("jstm call site", null, false, true) { };
        private List<StackTraceElement> frames;

        /** The user's frames, jstm's own trimmed away, at most {@value #MAX_FRAMES}. */
        public List<StackTraceElement> frames() {
            List<StackTraceElement> f = frames;
            if (f == null) {
                f = trim(trace.getStackTrace());
                frames = f;
            }
            return f;
        }
    }

    private static List<StackTraceElement> trim(StackTraceElement[] stack) {
        List<StackTraceElement> out = new ArrayList<>(MAX_FRAMES);
        for (StackTraceElement e : stack) {
            if (!isJstmFrame(e.getClassName())) {
                out.add(e);
                if (out.size() == MAX_FRAMES) {
                    break;
                }
            }
        }
        return List.copyOf(out);
    }

    /** Who last wrote a ref, and where. */
    public record Writer(String thread, Site site) {}

    private static final Map<Cell, Writer> LAST_WRITER = new WeakHashMap<>();
    private static final ReentrantLock LOCK = new ReentrantLock();

    public static boolean enabled() {
        return enabled;
    }

    /**
     * Switching tracing off forgets the recorded writers: they would otherwise
     * keep a captured stack per written ref alive, and name winners from an
     * earlier tracing session once it is switched on again (commits made while
     * it was off record nothing).
     */
    public static void setEnabled(boolean on) {
        enabled = on;
        if (!on) {
            LOCK.lock();
            try {
                LAST_WRITER.clear();
            } finally {
                LOCK.unlock();
            }
        }
    }

    /** Refs with a recorded last writer (tests). */
    static int recordedWriters() {
        LOCK.lock();
        try {
            return LAST_WRITER.size();
        } finally {
            LOCK.unlock();
        }
    }

    /** The caller's call site (cheap: frames are materialized on demand). */
    public static Site capture() {
        return new Site();
    }

    /** jstm's own classes: the engine, the access classes, collections and dispatch (not examples or tests). */
    static boolean isJstmFrame(String className) {
        if (!className.startsWith("io.jstm.")) {
            return false;
        }
        if (className.startsWith("io.jstm.internal.") || className.startsWith("io.jstm.collections.")
                || className.startsWith("io.jstm.dispatch.")) {
            return true;
        }
        String simple = className.substring("io.jstm.".length());
        int cut = simple.indexOf('$');
        if (cut >= 0) {
            simple = simple.substring(0, cut);
        }
        return simple.equals("Stm") || simple.equals("Ref") || simple.equals("LongRef") || simple.equals("LongArray");
    }

    static void recordWriter(Cell c, String thread, Site site) {
        Writer w = new Writer(thread, site);
        LOCK.lock();
        try {
            LAST_WRITER.put(c, w);
        } finally {
            LOCK.unlock();
        }
    }

    static Writer lastWriter(Cell c) {
        LOCK.lock();
        try {
            return LAST_WRITER.get(c);
        } finally {
            LOCK.unlock();
        }
    }
}
