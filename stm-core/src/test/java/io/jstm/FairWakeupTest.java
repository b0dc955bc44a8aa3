package io.jstm;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/** Waiters blocked in retry are served in the order they blocked; read-only blocks behind shared wrappers never re-run. */
class FairWakeupTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void waitersOnOneMailboxAreServedInTheOrderTheyBlocked() throws Exception {
        int consumers = 5, rounds = 8;
        Ref<Integer> mailbox = Ref.of(null);
        List<Integer> servedTo = Collections.synchronizedList(new ArrayList<>());
        LongRef blockedCount = LongRef.of(0);
        List<Thread> threads = new ArrayList<>();
        Workers all = new Workers();
        for (int c = 0; c < consumers; c++) {
            int me = c;
            long before = Stm.statistics().retries();
            all.start(1, w -> {
                for (int r = 0; r < rounds; r++) {
                    Stm.atomic(() -> {
                        if (mailbox.get() == null) {
                            Stm.retry();
                        }
                        mailbox.set(null);
                        Stm.afterCommit(() -> servedTo.add(me));
                    });
                }
            });
            // Start the next consumer only once this one is blocked, so the blocking order is 0, 1, 2, ...
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (Stm.statistics().retries() == before && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }
        for (int item = 0; item < consumers * rounds; item++) {
            int expectedServed = item + 1;
            mailbox.set(item);
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (servedTo.size() < expectedServed && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            // Let the one that was served block again (at the back of the line) before the next item.
            Thread.sleep(5);
        }
        all.join(LIMIT);
        List<Integer> expected = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < consumers; c++) {
                expected.add(c);
            }
        }
        assertEquals(expected, servedTo, "items must go round-robin, in blocking order");
        assertEquals(0, blockedCount.get());
    }

    private static <T> T inWrapper(Supplier<T> body) {
        return Stm.atomic(() -> body.get()); // one lambda class for every kind of task
    }

    @Test
    void readOnlyTasksBehindAWrapperThatAlsoRunsWritesNeverReRun() throws Exception {
        int n = 256;
        LongRef[] refs = new LongRef[n];
        for (int i = 0; i < n; i++) {
            refs[i] = LongRef.of(0);
        }
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Workers writer = new Workers().start(1, w -> {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
            while (!stop.get()) {
                int p = rnd.nextInt(n);
                Stm.atomic(() -> refs[p].set(refs[p].get() + 1));
            }
        });
        java.util.concurrent.atomic.AtomicLong scans = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong scanAttempts = new java.util.concurrent.atomic.AtomicLong();
        try {
            for (int i = 0; i < 3_000; i++) {
                if (i % 2 == 0) {
                    int p = i % n;
                    inWrapper(() -> {
                        refs[p].set(refs[p].get() + 1);
                        return 0L;
                    });
                } else {
                    scans.incrementAndGet();
                    inWrapper(() -> {
                        scanAttempts.incrementAndGet();
                        long s = 0;
                        for (LongRef r : refs) {
                            s += r.get();
                            Thread.onSpinWait();
                        }
                        return s;
                    });
                }
            }
        } finally {
            stop.set(true);
            writer.join(LIMIT);
        }
        assertEquals(scans.get(), scanAttempts.get(), "a read-only task was re-run");
    }
}
