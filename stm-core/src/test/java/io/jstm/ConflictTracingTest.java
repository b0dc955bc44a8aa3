package io.jstm;

import io.jstm.internal.Probes;
import io.jstm.testing.OtherThread;
import io.jstm.testing.Workers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.*;

/** Conflict tracebacks with tracing on: both sides, the right ref, reason and threads. */
class ConflictTracingTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @BeforeEach
    void on() {
        Stm.setConflictTracing(true);
    }

    @AfterEach
    void off() {
        Stm.setConflictTracing(false);
    }

    private static boolean mentions(List<StackTraceElement> site, String method) {
        return site.stream().anyMatch(f -> f.getMethodName().contains(method));
    }

    /**
     * A victim transaction on a worker runs {@code before}, then (first attempt
     * only) waits while {@code winner} runs on this thread, then runs
     * {@code after} with what {@code before} returned; returns the victim's last
     * abort info.
     */
    private static AbortInfo victimAbort(LongSupplier before, LongConsumer after, Runnable winner) throws Exception {
        CountDownLatch read = new CountDownLatch(1), written = new CountDownLatch(1);
        AtomicReference<AbortInfo> info = new AtomicReference<>();
        Workers victim = new Workers().start(1, w -> {
            Stm.atomic(() -> {
                long v = before.getAsLong();
                if (read.getCount() > 0) {
                    read.countDown();
                    ConcurrencyTest.await(written);
                }
                after.accept(v);
            });
            info.set(Stm.lastAbortInfo().orElseThrow());
        });
        read.await();
        winner.run();
        written.countDown();
        victim.join(LIMIT);
        return info.get();
    }

    static long victimReads(LongRef r) {
        return r.get();
    }

    static void winnerWrites(LongRef r) {
        Stm.atomic(() -> r.set(r.get() + 1));
    }

    @Test
    void aReadInvalidatedAbortShowsWhereWeReadAndWhereTheWinnerWrote() throws Exception {
        LongRef acct = LongRef.named("account-42", 0);
        LongRef out = LongRef.of(0);
        AbortInfo a = victimAbort(() -> victimReads(acct), out::set,
                () -> OtherThread.run("the-winner", () -> winnerWrites(acct)));

        assertEquals(AbortReason.READ_INVALIDATED, a.reason());
        assertEquals("account-42", a.refName());
        assertEquals("worker-0", a.threadName());
        assertEquals("the-winner", a.otherThreadName());
        assertTrue(mentions(a.accessSite(), "victimReads"), a.toString());
        assertTrue(mentions(a.otherSite(), "winnerWrites"), a.toString());
        StackTraceElement top = a.accessSite().get(0);
        assertFalse(top.getClassName().startsWith("io.jstm.internal"), "jstm frames are trimmed: " + top);
        assertFalse(a.accessSite().stream().anyMatch(f -> f.getClassName().equals("io.jstm.LongRef")
                || f.getClassName().equals("io.jstm.Stm")), a.toString());
        String text = a.toString();
        assertTrue(text.contains("victimReads") && text.contains("winnerWrites") && text.contains("the-winner"), text);
    }

    @Test
    void aWriteWriteAbortNamesTheRefAndTheHolder() throws Exception {
        LongRef hot = LongRef.named("hot", 0);
        CountDownLatch holding = new CountDownLatch(1), release = new CountDownLatch(1);
        // A commute function runs at commit time with the ref locked: block in it to hold the lock.
        Workers holder = new Workers().start(1, w -> Stm.atomic(() -> hot.commute(v -> {
            holding.countDown();
            ConcurrencyTest.await(release);
            return v + 1;
        })));
        holding.await();
        AtomicReference<AbortInfo> info = new AtomicReference<>();
        Workers loser = new Workers().start(1, w -> {
            Stm.atomic(() -> {
                hot.set(100);
                if (Stm.lastAbortInfo().isPresent() || info.get() != null) {
                    release.countDown();
                }
            });
            info.compareAndSet(null, Stm.lastAbortInfo().orElse(null));
        });
        loser.join(LIMIT);
        release.countDown();
        holder.join(LIMIT);
        AbortInfo a = info.get();
        assertNotNull(a);
        assertEquals(AbortReason.WRITE_WRITE, a.reason());
        assertEquals("hot", a.refName());
        assertEquals("worker-0", a.otherThreadName(), a.toString());
    }

    /**
     * Makes the thread named {@code holder-0} stop in its commit right after
     * locking (before it takes its commit version and records itself as the
     * writer) until {@code release}, and lets losers wait for a holder as long as
     * a test may take to release it. Returns the wait to restore.
     */
    private static long stopHolderAfterLocking(CountDownLatch holding, CountDownLatch release) {
        Probes.onTracedCommitLocked(() -> {
            if (Thread.currentThread().getName().equals("holder-0")) {
                holding.countDown();
                ConcurrencyTest.await(release);
            }
        });
        return Probes.setHolderWaitNanos(LIMIT.toNanos());
    }

    private static void releaseHolders(long wait, CountDownLatch release) {
        Probes.onTracedCommitLocked(null);
        Probes.setHolderWaitNanos(wait);
        release.countDown();
    }

    /**
     * Spins (at most {@link #LIMIT}) until {@code aborts} counts one (the loser
     * lost and is recording its abort), then releases the stopped holder and
     * waits for every worker.
     */
    private static void releaseAfterLoss(LongSupplier aborts, CountDownLatch release, Workers... workers)
            throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (aborts.getAsLong() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        release.countDown();
        for (Workers w : workers) {
            w.join(LIMIT);
        }
    }

    /** The loser's abort: {@code reason} on {@code ref}, the stopped holder named as the other side. */
    private static void assertNamesHolder(AbortInfo a, AbortReason reason, String ref) {
        assertNotNull(a, "the loser never lost");
        assertEquals(reason, a.reason(), a.toString());
        assertEquals(ref, a.refName());
        assertEquals("holder-0", a.otherThreadName(), a.toString());
    }

    @Test
    void aWriteWriteLoserNamesAHolderThatHadNotRecordedItselfYet() throws Exception {
        LongRef fresh = LongRef.named("fresh", 0); // never written in a transaction: no writer recorded
        CountDownLatch holding = new CountDownLatch(1), release = new CountDownLatch(1);
        long wait = stopHolderAfterLocking(holding, release);
        try {
            Workers holder = new Workers().start("holder", 1, w -> Stm.atomic(() -> fresh.set(1)));
            ConcurrencyTest.await(holding);
            Stm.resetStatistics();
            AtomicReference<AbortInfo> info = new AtomicReference<>();
            Workers loser = new Workers().start("loser", 1, w -> {
                Stm.atomic(() -> fresh.set(2)); // a blind write: it can only lose by finding the lock held
                info.set(Stm.lastAbortInfo().orElse(null));
            });
            releaseAfterLoss(() -> Stm.statistics().writeWriteAborts(), release, loser, holder);
            AbortInfo a = info.get();
            assertNamesHolder(a, AbortReason.WRITE_WRITE, "fresh");
            assertTrue(mentions(a.otherSite(), "lambda"), a.toString());
            assertEquals(2, fresh.get(), "the loser's write, after the holder's");
        } finally {
            releaseHolders(wait, release);
        }
    }

    @Test
    void aReadInvalidatedLoserNamesAHolderThatHadNotRecordedItselfYet() throws Exception {
        LongRef fresh = LongRef.named("fresh-read", 0), out = LongRef.of(0), other = LongRef.of(0);
        CountDownLatch holding = new CountDownLatch(1), release = new CountDownLatch(1);
        CountDownLatch read = new CountDownLatch(1), go = new CountDownLatch(1);
        long wait = stopHolderAfterLocking(holding, release);
        try {
            AtomicReference<AbortInfo> info = new AtomicReference<>();
            Workers reader = new Workers().start("reader", 1, w -> {
                Stm.atomic(() -> {
                    long v = fresh.get();
                    if (read.getCount() > 0) {
                        read.countDown();
                        ConcurrencyTest.await(go);
                    }
                    out.set(v + 1);
                });
                info.set(Stm.lastAbortInfo().orElse(null));
            });
            ConcurrencyTest.await(read);
            Workers holder = new Workers().start("holder", 1, w -> Stm.atomic(() -> fresh.set(1)));
            ConcurrencyTest.await(holding); // fresh-read is locked, its holder not yet recorded
            other.set(1); // a commit in between: the reader's commit must then validate its reads
            Stm.resetStatistics();
            go.countDown();
            releaseAfterLoss(() -> Stm.statistics().readInvalidatedAborts(), release, reader, holder);
            assertNamesHolder(info.get(), AbortReason.READ_INVALIDATED, "fresh-read");
            assertEquals(2, out.get(), "the reader re-ran after the holder's write");
        } finally {
            releaseHolders(wait, release);
            go.countDown();
        }
    }

    @Test
    void losingToTheInevitableTransactionSaysSo() throws Exception {
        LongRef r = LongRef.named("ledger", 0);
        CountDownLatch marked = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread inev = new Thread(() -> Stm.atomicInevitable(() -> {
            r.set(r.get() + 1);
            marked.countDown();
            ConcurrencyTest.await(release);
        }), "inevitable-one");
        AbortInfo a = aWriterLosesTo(inev, marked, release, r);
        assertEquals(11, r.get());
        assertNotNull(a);
        assertEquals(AbortReason.LOST_TO_INEVITABLE, a.reason());
        assertEquals("ledger", a.refName());
        assertTrue(a.otherThreadName().startsWith("inevitable-one"), a.toString());
    }

    /**
     * Starts {@code inevitable} (which counts {@code marked} down once it holds
     * {@code r}, then waits for {@code release}), lets a worker's transactional
     * write of {@code r} lose to it, then releases it; returns the worker's abort info.
     */
    private static AbortInfo aWriterLosesTo(Thread inevitable, CountDownLatch marked, CountDownLatch release,
                                            LongRef r) throws Exception {
        inevitable.start();
        marked.await();
        AtomicReference<AbortInfo> info = new AtomicReference<>();
        Stm.resetStatistics();
        Workers loser = new Workers().start(1, w -> {
            Stm.atomic(() -> r.set(r.get() + 10));
            info.set(Stm.lastAbortInfo().orElse(null));
        });
        // Let the inevitable transaction finish only once the loser has lost to it.
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (Stm.statistics().lostToInevitableAborts() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        release.countDown();
        loser.join(LIMIT);
        inevitable.join();
        return info.get();
    }

    @Test
    void withTracingOffNoSitesAreRecordedAndTheTextSaysHowToGetThem() throws Exception {
        Stm.setConflictTracing(false);
        LongRef acct = LongRef.named("quiet", 0);
        AbortInfo a = victimAbort(acct::get, v -> acct.set(v + 5), () -> acct.set(1));
        assertTrue(a.accessSite().isEmpty());
        assertTrue(a.otherSite().isEmpty());
        assertTrue(a.toString().contains("jstm.conflictTracing=true"), a.toString());
        assertEquals(6, acct.get());
    }

    static long victimReadsElement(LongArray a, int i) {
        return a.get(i);
    }

    /** The access site of a LongArray conflict starts at the user's code, not inside LongArray. */
    @Test
    void aLongArrayConflictsSiteStartsInTheUsersCode() throws Exception {
        LongArray grid = LongArray.named("grid", 16);
        LongRef out = LongRef.of(0);
        AbortInfo a = victimAbort(() -> victimReadsElement(grid, 3), out::set,
                () -> Stm.atomic(() -> grid.set(3, 7)));
        assertFalse(a.accessSite().isEmpty(), a.toString());
        assertEquals("victimReadsElement", a.accessSite().get(0).getMethodName(), a.toString());
    }

    /** An inevitable transaction that only read a ref is the other side for a writer that loses to it. */
    @Test
    void losingToAnInevitableReaderNamesIt() throws Exception {
        LongRef r = LongRef.named("watched", 0);
        r.set(5); // an earlier writer (this thread, outside a transaction): not the one the loser meets
        CountDownLatch marked = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread inev = new Thread(() -> Stm.atomic(() -> {
            r.get();
            Stm.becomeInevitable();
            marked.countDown();
            ConcurrencyTest.await(release);
        }), "inevitable-reader");
        AbortInfo a = aWriterLosesTo(inev, marked, release, r);
        assertNotNull(a);
        assertEquals(AbortReason.LOST_TO_INEVITABLE, a.reason());
        assertTrue(a.otherThreadName() != null && a.otherThreadName().startsWith("inevitable-reader"),
                a.toString());
    }

    /**
     * An attempt that wrote, then reads a ref newer than its snapshot, aborts
     * because an earlier read changed (had it not, the snapshot would have moved
     * on): the abort names that earlier read, not the ref being read.
     */
    @Test
    void anAbortOnAReadNamesTheEarlierReadThatStoppedTheSnapshotFromMoving() throws Exception {
        LongRef first = LongRef.named("first-read", 0), later = LongRef.named("later-read", 0);
        LongRef side = LongRef.of(0);
        AbortInfo a = victimAbort(() -> {
            long v = first.get();
            side.set(v); // a writer: no reads from history from here on
            return v;
        }, v -> later.get(), () -> {
            first.set(1);
            later.set(1);
        });
        assertEquals(AbortReason.READ_INVALIDATED, a.reason());
        assertEquals("first-read", a.refName(), a.toString());
    }

    /** Off again, tracing keeps nothing: no site map in the thread's descriptor, no recorded writers. */
    @Test
    void switchingTracingOffDropsWhatItRecorded() throws Exception {
        LongRef[] refs = new LongRef[200];
        for (int i = 0; i < refs.length; i++) {
            refs[i] = LongRef.of(i);
        }
        Stm.atomic(() -> {
            for (LongRef r : refs) {
                r.set(r.get() + 1);
            }
        });
        assertTrue(io.jstm.internal.Probes.tracedWriters() >= refs.length);
        Stm.setConflictTracing(false);
        assertEquals(0, io.jstm.internal.Probes.tracedWriters(), "recorded writers forgotten");
        Stm.atomic(() -> refs[0].set(0)); // the next attempt on this thread ends without a site map
        assertFalse(io.jstm.internal.Probes.holdsTracingSites(), "the site map is dropped");
    }

    /** Conflicts on ever new refs do not grow the profiler without bound. */
    @Test
    void theProfilerKeepsABoundedNumberOfGroups() throws Exception {
        int old = io.jstm.internal.Probes.setProfilerGroupLimit(3);
        try {
            Stm.resetStatistics();
            for (int i = 0; i < 6; i++) {
                StatisticsTest.forceOneConflict(LongRef.of(0), 0);
            }
            List<ConflictReport.Entry> entries = Stm.conflictReport().entries();
            assertTrue(entries.size() <= 4, entries.toString());
            assertEquals(6, entries.stream().mapToLong(ConflictReport.Entry::aborts).sum(), "every abort counted");
            assertTrue(entries.stream().anyMatch(e -> e.refName().startsWith("(other refs")), entries.toString());
        } finally {
            io.jstm.internal.Probes.setProfilerGroupLimit(old);
            Stm.resetStatistics();
        }
    }
}
