package io.jstm.bench;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The names of the implementations every workload is measured with, and the
 * one lock that the "globalLock" baseline shares across the whole program.
 *
 * <p>Each benchmark class takes one of these names as its {@code impl}
 * parameter. Every implementation of a workload runs the same algorithm on
 * the same data; only the way shared state is protected differs.
 */
final class Impls {
    /** jstm: {@code Stm.atomic} over {@code Ref} / {@code LongRef}. */
    static final String JSTM = "jstm";
    /** ScalaSTM 0.11 through its Java API {@code scala.concurrent.stm.japi.STM} (boxed refs). */
    static final String SCALA_STM = "scalastm";
    /** Multiverse 0.7 through {@code org.multiverse.api.StmUtils}, passing the {@code Txn} explicitly. */
    static final String MULTIVERSE = "multiverse";
    /** Clojure 1.12 refs: {@code clojure.lang.Ref} in {@code LockingTransaction.runInTransaction}. */
    static final String CLOJURE = "clojure";
    /** One {@link ReentrantLock} for the whole program, {@link #GIL}. */
    static final String GLOBAL_LOCK = "globalLock";
    /** One lock per datum, taken in a fixed order (index order, or list order). */
    static final String FINE_LOCKS = "fineLocks";
    /** Unsynchronized single-thread code: the floor. */
    static final String PLAIN = "plain";
    /**
     * {@code java.util.concurrent.atomic}: each update is one atomic instruction
     * on its own datum, with no atomicity across data (a bank transfer is two
     * independent adds, a sum is not a snapshot). Not a contender: the bound on
     * what the machine allows once data moves between cores, which no
     * transactional or locked implementation can beat at 2 threads.
     */
    static final String ATOMICS = "atomics";

    /**
     * Our "global interpreter lock": the globalLock baseline of every workload
     * takes this one lock, so two threads never run a critical section at once.
     */
    static final ReentrantLock GIL = new ReentrantLock();

    private Impls() {}

    /**
     * Refuses to run unsynchronized code on shared data from more than one
     * thread: it would be a data race, not a measurement. JMH reports the
     * trial as failed with this message and goes on with the next one.
     */
    static void requireOneThreadForPlain(String impl, int threads) {
        if (PLAIN.equals(impl) && threads > 1) {
            throw new SkipTrial("'plain' is unsynchronized single-thread code on shared data;"
                    + " it is measured at 1 thread only (skipping this " + threads + "-thread trial)");
        }
    }

    static IllegalArgumentException unknown(String impl) {
        return new IllegalArgumentException("unknown impl '" + impl + "'; see the @Param list of the benchmark class");
    }

    /** Thrown from a trial set-up to skip a combination that makes no sense. */
    static final class SkipTrial extends RuntimeException {
        SkipTrial(String message) {
            super(message, null, false, false);
        }
    }
}
