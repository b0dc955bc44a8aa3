package io.jstm;

import io.jstm.testing.Workers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

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
        CountDownLatch read = new CountDownLatch(1), written = new CountDownLatch(1);
        AtomicReference<AbortInfo> info = new AtomicReference<>();
        Workers victim = new Workers().start(1, w -> {
            Stm.atomic(() -> {
                long v = victimReads(acct);
                if (read.getCount() > 0) {
                    read.countDown();
                    ConcurrencyTest.await(written);
                }
                out.set(v);
            });
            info.set(Stm.lastAbortInfo().orElseThrow());
        });
        read.await();
        Thread winner = new Thread(() -> winnerWrites(acct), "the-winner");
        winner.start();
        winner.join();
        written.countDown();
        victim.join(LIMIT);

        AbortInfo a = info.get();
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

    @Test
    void losingToTheInevitableTransactionSaysSo() throws Exception {
        LongRef r = LongRef.named("ledger", 0);
        CountDownLatch marked = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread inev = new Thread(() -> Stm.atomicInevitable(() -> {
            r.set(r.get() + 1);
            marked.countDown();
            ConcurrencyTest.await(release);
        }), "inevitable-one");
        inev.start();
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
        inev.join();
        assertEquals(11, r.get());
        AbortInfo a = info.get();
        assertNotNull(a);
        assertEquals(AbortReason.LOST_TO_INEVITABLE, a.reason());
        assertEquals("ledger", a.refName());
        assertTrue(a.otherThreadName().startsWith("inevitable-one"), a.toString());
    }

    @Test
    void withTracingOffNoSitesAreRecordedAndTheTextSaysHowToGetThem() throws Exception {
        Stm.setConflictTracing(false);
        LongRef acct = LongRef.named("quiet", 0);
        CountDownLatch read = new CountDownLatch(1), written = new CountDownLatch(1);
        AtomicReference<AbortInfo> info = new AtomicReference<>();
        Workers victim = new Workers().start(1, w -> {
            Stm.atomic(() -> {
                long v = acct.get();
                if (read.getCount() > 0) {
                    read.countDown();
                    ConcurrencyTest.await(written);
                }
                acct.set(v + 5);
            });
            info.set(Stm.lastAbortInfo().orElseThrow());
        });
        read.await();
        acct.set(1);
        written.countDown();
        victim.join(LIMIT);
        AbortInfo a = info.get();
        assertTrue(a.accessSite().isEmpty());
        assertTrue(a.otherSite().isEmpty());
        assertTrue(a.toString().contains("jstm.conflictTracing=true"), a.toString());
        assertEquals(6, acct.get());
    }
}
