package io.jstm;

import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** Deterministic conflicts (latches) whose abort info must name the right ref and reason. */
class AbortInfoTest {

    @Test
    void aReadInvalidatedByAnotherCommitIsReportedWithTheRefName() throws Exception {
        LongRef acct = LongRef.named("account-42", 0);
        LongRef sink = LongRef.of(0);
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        AtomicReference<AbortInfo> info = new AtomicReference<>();
        Workers victim = new Workers().start(1, w -> {
            Stm.atomic(() -> {
                long v = acct.get();
                if (Stm.lastAbortInfo().isEmpty()) {
                    read.countDown();
                    ConcurrencyTest.await(written);
                }
                sink.set(v);
            });
            info.set(Stm.lastAbortInfo().orElseThrow());
        });
        read.await();
        Stm.atomic(() -> acct.set(acct.get() + 1));
        written.countDown();
        victim.join(Duration.ofSeconds(30));
        AbortInfo a = info.get();
        assertEquals(AbortReason.READ_INVALIDATED, a.reason());
        assertTrue(a.reason().isConflict());
        assertEquals("account-42", a.refName());
        assertEquals(1, a.attempt());
        assertEquals("worker-0", a.threadName());
        assertTrue(a.wastedNanos() > 0);
        assertTrue(a.toString().contains("account-42"), a.toString());
        assertEquals(1, sink.get());
    }

    @Test
    void anExplicitRetryIsNotAConflict() {
        assertFalse(AbortReason.EXPLICIT_RETRY.isConflict());
        assertTrue(AbortReason.WRITE_WRITE.isConflict());
        assertTrue(AbortReason.LOST_TO_INEVITABLE.isConflict());
    }

    @Test
    void aThreadThatNeverAbortedHasNoAbortInfo() throws Exception {
        AtomicReference<Boolean> empty = new AtomicReference<>();
        new Workers().start(1, w -> {
            Stm.atomic(() -> LongRef.of(1).get());
            empty.set(Stm.lastAbortInfo().isEmpty());
        }).join(Duration.ofSeconds(30));
        assertTrue(empty.get());
    }
}
