package io.jstm.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A millisecond-grained clock that costs one read: a daemon thread stores
 * {@link System#nanoTime()} into {@link #now} about every {@link #TICK_NANOS}
 * while transactions run, and sleeps when they do not.
 *
 * <h2>Why</h2>
 * {@code System.nanoTime()} costs about as much as a small transaction, so the
 * engine does not call it at every attempt. Instead an attempt notes the coarse
 * time when it begins; if it aborts having spanned at least two ticks, its
 * wasted time is measured ({@code nanoTime()} then), so long attempts (the ones
 * that matter in a profile) are always charged their real cost; shorter ones
 * are estimated from their re-run. Long committed transactions are found the
 * same way for the longest-transaction statistic.
 *
 * <h2>Dormancy</h2>
 * A thousand timed wake-ups a second cost about 5% of a core on a virtual
 * machine even when the program does nothing, so the ticker ticks only
 * {@link #AWAKE_TICKS} times after it is woken, then stores {@link #DORMANT}
 * and parks without a timeout. The next {@link #now()} that reads
 * {@code DORMANT} takes the exact time itself, CASes it in and unparks the
 * ticker (one CAS and one unpark per {@code AWAKE_TICKS} ticks under load,
 * none while idle). {@link #spansTicks} treats {@code DORMANT} as "unknown,
 * measure it": an attempt that outlived a nap is measured, never estimated.
 *
 * <h2>Threading</h2>
 * {@link #now} is volatile. Writers: the ticker (plain volatile stores while
 * awake, and the store of {@code DORMANT}); wakers only CAS it from
 * {@code DORMANT} to a time, so they never overwrite a tick, and the ticker
 * parks only while it still reads {@code DORMANT} (an unpark that comes before
 * the park leaves a permit, so a wake-up is never lost). A waker descheduled
 * between its {@code nanoTime()} and its CAS may store a time that is already
 * old; the ticker stores a fresh one as soon as it leaves its nap, so at worst
 * a few attempts are charged a little more. The ticker ignores interrupts.
 */
final class CoarseClock {
    static final long TICK_NANOS = 1_000_000L;
    /** Ticks after a wake-up before the ticker naps (about 0.1 s). */
    static final int AWAKE_TICKS = 100;
    /** Stored in {@link #now} while the ticker sleeps without a timeout. */
    static final long DORMANT = Long.MIN_VALUE;

    /** Last stored nanoTime, or {@link #DORMANT}. Volatile: see the class comment. */
    private static volatile long now = System.nanoTime();

    private static final VarHandle NOW;
    /** The ticker, or null if it could not be started: then every reading is exact (see {@link #start}). */
    private static final Thread TICKER;
    private static final boolean TICKING;

    static {
        try {
            NOW = MethodHandles.lookup().findStaticVarHandle(CoarseClock.class, "now", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        // No inherited thread-locals, no context class loader: the ticker lives as long as the JVM.
        TICKER = start(new Thread(null, CoarseClock::tick, "jstm-coarse-clock", 0, false));
        TICKING = TICKER != null;
    }

    private CoarseClock() {}

    /**
     * Starts {@code ticker} as a daemon; null if it cannot start (no native
     * thread to be had, say). Failing this class's initialization instead would
     * make every later transaction in the JVM throw NoClassDefFoundError; without
     * a ticker the clock reads {@code nanoTime()} each time and every attempt is
     * measured, which is slower but exact.
     */
    static Thread start(Thread ticker) {
        try {
            ticker.setDaemon(true);
            ticker.setContextClassLoader(null);
            ticker.start();
            return ticker;
        } catch (Throwable e) {
            return null;
        }
    }

    static long now() {
        if (!TICKING) {
            return System.nanoTime();
        }
        long n = now;
        return n != DORMANT ? n : wake();
    }

    /** Takes the time exactly and wakes the ticker (whoever wins the CAS unparks it). */
    private static long wake() {
        long t = System.nanoTime();
        if (NOW.compareAndSet(DORMANT, t)) {
            LockSupport.unpark(TICKER);
        }
        return t;
    }

    /** True when an interval from {@code start} (a {@link #now()} value) surely lasted more than one tick, or may have. */
    static boolean spansTicks(long start) {
        if (!TICKING) {
            return true; // no ticks: measure (start is an exact reading)
        }
        long n = now;
        return n == DORMANT || n - start >= 2 * TICK_NANOS;
    }

    /** True while the ticker sleeps without a timeout (for tests). */
    static boolean isDormant() {
        return now == DORMANT;
    }

    private static void tick() {
        for (;;) {
            for (int i = 0; i < AWAKE_TICKS; i++) {
                LockSupport.parkNanos(TICK_NANOS);
                Thread.interrupted(); // an interrupt must not turn the parks into a busy loop
                now = System.nanoTime();
            }
            now = DORMANT;
            while (now == DORMANT) {
                LockSupport.park(CoarseClock.class);
                Thread.interrupted();
            }
            // A waker descheduled between its nanoTime() and its CAS may have stored an old
            // time: replace it at once rather than a tick later.
            now = System.nanoTime();
        }
    }
}
