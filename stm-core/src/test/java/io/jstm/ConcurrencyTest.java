package io.jstm;

import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** Multi-threaded invariant tests, bounded by count. */
class ConcurrencyTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void noUpdateIsLostOnAHotCounter() throws Exception {
        LongRef counter = LongRef.of(0);
        Ref<Integer> boxed = Ref.of(0);
        int threads = 4, perThread = 20_000;
        new Workers().start(threads, w -> {
            for (int i = 0; i < perThread; i++) {
                Stm.atomic(() -> {
                    counter.set(counter.get() + 1);
                    boxed.set(boxed.get() + 1);
                });
            }
        }).join(LIMIT);
        assertEquals(threads * perThread, counter.get());
        assertEquals(threads * perThread, boxed.get());
    }

    @Test
    void outsideIncrementsAndTransactionsDoNotLoseUpdates() throws Exception {
        LongRef counter = LongRef.of(0);
        int perThread = 20_000;
        new Workers().start(2, w -> {
            for (int i = 0; i < perThread; i++) {
                if (w == 0) {
                    counter.incrementAndGet();
                } else {
                    Stm.atomic(() -> counter.set(counter.get() + 1));
                }
            }
        }).join(LIMIT);
        assertEquals(2L * perThread, counter.get());
    }

    @Test
    void bankTotalIsConservedAndEveryAuditSeesIt() throws Exception {
        int accounts = 64;
        long initial = 1_000;
        LongRef[] acct = new LongRef[accounts];
        for (int i = 0; i < accounts; i++) {
            acct[i] = LongRef.named("account-" + i, initial);
        }
        AtomicLong badAudits = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Workers workers = new Workers().start(3, w -> {
            SplittableRandom rnd = new SplittableRandom(w);
            for (int i = 0; i < 30_000; i++) {
                int from = rnd.nextInt(accounts), to = rnd.nextInt(accounts);
                long amount = rnd.nextInt(100);
                Stm.atomic(() -> {
                    acct[from].set(acct[from].get() - amount);
                    acct[to].set(acct[to].get() + amount);
                });
            }
        });
        Workers auditor = new Workers().start(1, w -> {
            for (int i = 0; i < 5_000 && !done.get(); i++) {
                long total = Stm.atomic(() -> {
                    long sum = 0;
                    for (LongRef a : acct) {
                        sum += a.get();
                    }
                    return sum;
                });
                if (total != accounts * initial) {
                    badAudits.incrementAndGet();
                }
            }
        });
        workers.join(LIMIT);
        done.set(true);
        auditor.join(LIMIT);
        long total = 0;
        for (LongRef a : acct) {
            total += a.get();
        }
        assertEquals(accounts * initial, total);
        assertEquals(0, badAudits.get());
    }

    @Test
    void noAttemptEverSeesABrokenPairEvenOneThatAborts() throws Exception {
        // Every commit keeps x == y; a reader records, inside each attempt, whether it saw x != y.
        Ref<Integer> x = Ref.of(0);
        LongRef y = LongRef.of(0);
        AtomicLong inconsistent = new AtomicLong();
        AtomicLong attempts = new AtomicLong();
        new Workers().start(3, w -> {
            SplittableRandom rnd = new SplittableRandom(w);
            for (int i = 0; i < 20_000; i++) {
                if (w == 0 || rnd.nextInt(4) == 0) {
                    Stm.atomic(() -> {
                        attempts.incrementAndGet();
                        int a = x.get();
                        Thread.onSpinWait();
                        long b = y.get();
                        if (a != b) {
                            inconsistent.incrementAndGet();
                        }
                        if (rnd.nextBoolean()) {
                            x.set(a + 1);
                            y.set(b + 1);
                        }
                    });
                } else {
                    Stm.atomic(() -> {
                        int v = x.get() + 1;
                        x.set(v);
                        y.set(v);
                    });
                }
            }
        }).join(LIMIT);
        assertEquals(0, inconsistent.get(), "attempts that saw x != y (out of " + attempts.get() + ")");
        assertEquals((long) x.get(), y.get());
    }

    @Test
    void writeSkewIsImpossible() throws Exception {
        // Constraint: a + b >= 1. Each transaction sets one of them to 0 if the sum allows it.
        // Under snapshot isolation both could succeed from the state (1,1), breaking the constraint.
        int rounds = 3_000;
        LongRef a = LongRef.of(1), b = LongRef.of(1);
        AtomicLong violations = new AtomicLong();
        for (int round = 0; round < rounds; round++) {
            a.set(1);
            b.set(1);
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            new Workers().start(2, w -> {
                start.await();
                LongRef mine = w == 0 ? a : b;
                Stm.atomic(() -> {
                    if (a.get() + b.get() >= 2) {
                        mine.set(0);
                    }
                });
            }).join(LIMIT);
            if (a.get() + b.get() < 1) {
                violations.incrementAndGet();
            }
        }
        assertEquals(0, violations.get());
    }

    @Test
    void outsideSetConflictsWithARunningTransactionThatReadTheRef() throws Exception {
        LongRef r = LongRef.of(0);
        LongRef out = LongRef.of(-1);
        java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
        AtomicLong attempts = new AtomicLong();
        Workers t = new Workers().start(1, w -> Stm.atomic(() -> {
            long n = attempts.incrementAndGet();
            long v = r.get();
            if (n == 1) {
                read.countDown();
                await(written);
            }
            out.set(v + 1);
        }));
        read.await();
        r.set(41);               // outside write, commits at once
        written.countDown();
        t.join(LIMIT);
        assertEquals(42, out.get(), "the transaction must have re-run on the new value");
        assertEquals(2, attempts.get());
    }

    static void await(java.util.concurrent.CountDownLatch l) {
        try {
            if (!l.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("latch timed out");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readOnlyTransactionsNeverAbortBesideWriters() throws Exception {
        int n = 256;
        LongRef[] refs = new LongRef[n];
        for (int i = 0; i < n; i++) {
            refs[i] = LongRef.of(0);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong readerAttempts = new AtomicLong();
        AtomicLong readerTxns = new AtomicLong();
        AtomicLong badSums = new AtomicLong();
        Workers writers = new Workers().start(2, w -> {
            SplittableRandom rnd = new SplittableRandom(w + 10);
            for (int i = 0; i < 200_000 && !stop.get(); i++) {
                int p = rnd.nextInt(n), q = rnd.nextInt(n);
                Stm.atomic(() -> {
                    refs[p].set(refs[p].get() + 1);
                    refs[q].set(refs[q].get() - 1);
                });
            }
        });
        Workers reader = new Workers().start(1, w -> {
            for (int i = 0; i < 3_000; i++) {
                readerTxns.incrementAndGet();
                long sum = Stm.atomic(() -> {
                    readerAttempts.incrementAndGet();
                    long s = 0;
                    for (LongRef r : refs) {
                        s += r.get();
                        Thread.onSpinWait();
                    }
                    return s;
                });
                if (sum != 0) {
                    badSums.incrementAndGet();
                }
            }
            stop.set(true);
        });
        reader.join(LIMIT);
        writers.join(LIMIT);
        assertEquals(0, badSums.get());
        assertEquals(readerTxns.get(), readerAttempts.get(), "a read-only transaction was re-run");
    }

    @Test
    void readOnlyAuditsMixedIntoTransferThreadsNeverReRun() throws Exception {
        // The bank benchmark's mix: each thread does transfers and, one time in ten, sums 64 accounts.
        int n = 1024;
        LongRef[] acct = new LongRef[n];
        for (int i = 0; i < n; i++) {
            acct[i] = LongRef.of(100);
        }
        AtomicLong audits = new AtomicLong(), auditAttempts = new AtomicLong(), bad = new AtomicLong();
        new Workers().start(2, w -> {
            SplittableRandom rnd = new SplittableRandom(w + 99);
            for (int i = 0; i < 40_000; i++) {
                if (i % 10 == 0) {
                    int base = rnd.nextInt(n - 64);
                    audits.incrementAndGet();
                    long sum = Stm.atomic(() -> {
                        auditAttempts.incrementAndGet();
                        long s = 0;
                        for (int k = 0; k < 64; k++) {
                            s += acct[base + k].get();
                        }
                        return s;
                    });
                    if (sum < 0) {
                        bad.incrementAndGet();
                    }
                } else {
                    int p = rnd.nextInt(n), q = rnd.nextInt(n);
                    Stm.atomic(() -> {
                        acct[p].set(acct[p].get() - 1);
                        acct[q].set(acct[q].get() + 1);
                    });
                }
            }
        }).join(LIMIT);
        assertEquals(audits.get(), auditAttempts.get(), "a read-only audit was re-run");
        long total = 0;
        for (LongRef a : acct) {
            total += a.get();
        }
        assertEquals(100L * n, total);
    }

    @Test
    void aLongReadOnlyScanCompletesBesideBusyWriters() throws Exception {
        int n = 2_000;
        LongRef[] refs = new LongRef[n];
        for (int i = 0; i < n; i++) {
            refs[i] = LongRef.of(1);
        }
        AtomicBoolean stop = new AtomicBoolean();
        Workers writers = new Workers().start(2, w -> {
            SplittableRandom rnd = new SplittableRandom(w);
            while (!stop.get()) {
                int p = rnd.nextInt(n), q = rnd.nextInt(n);
                Stm.atomic(() -> {
                    refs[p].set(refs[p].get() + 1);
                    refs[q].set(refs[q].get() - 1);
                });
            }
        });
        AtomicLong attempts = new AtomicLong();
        long[] sums = new long[20];
        for (int k = 0; k < sums.length; k++) {
            sums[k] = Stm.atomic(() -> {
                attempts.incrementAndGet();
                long s = 0;
                for (LongRef r : refs) {
                    s += r.get();
                    for (int spin = 0; spin < 20; spin++) {
                        Thread.onSpinWait();
                    }
                }
                return s;
            });
        }
        stop.set(true);
        writers.join(LIMIT);
        for (long s : sums) {
            assertEquals(n, s);
        }
        assertEquals(sums.length, attempts.get(), "long read-only scans must not abort");
    }

    @Test
    void aLongReadWriteTransactionFinishesAgainstShortWriters() throws Exception {
        int n = 1_000;
        LongRef[] refs = new LongRef[n];
        for (int i = 0; i < n; i++) {
            refs[i] = LongRef.of(0);
        }
        AtomicBoolean stop = new AtomicBoolean();
        Workers writers = new Workers().start(2, w -> {
            SplittableRandom rnd = new SplittableRandom(w);
            while (!stop.get()) {
                int p = rnd.nextInt(64);
                Stm.atomic(() -> refs[p].set(refs[p].get() + 1));
            }
        });
        AtomicLong attempts = new AtomicLong();
        for (int k = 0; k < 5; k++) {
            Stm.atomic(() -> {
                attempts.incrementAndGet();
                long s = 0;
                for (LongRef r : refs) {
                    s += r.get();
                }
                refs[n - 1].set(refs[n - 1].get() + 1);
                refs[0].set(refs[0].get() + (s >= 0 ? 1 : 0));
            });
        }
        stop.set(true);
        writers.join(LIMIT);
        assertTrue(attempts.get() >= 5);
        assertTrue(refs[n - 1].get() == 5, "every long transaction committed exactly once");
    }
}
