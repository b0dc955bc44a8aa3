package io.jstm.examples.bank;

import io.jstm.Stm;
import io.jstm.StmStatistics;
import io.jstm.examples.common.ConflictSummary;
import io.jstm.examples.common.Options;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * The flagship demo: T threads of random transfers between N accounts, plus an
 * auditor that checks the total inside a transaction, on jstm and on the same
 * code under one global lock, at 1 and 2 threads.
 *
 * <p>Usage: {@code bank [accounts=1024] [millisPerRun=2000] [maxThreads=2]}
 */
public final class BankDemo {
    private BankDemo() {}

    /** What one timed run measured. */
    public record Result(String bank, int threads, long transfers, long audits, long badAudits,
                         long total, long expectedTotal, double seconds, StmStatistics stats) {
        public double transfersPerSecond() {
            return transfers / seconds;
        }

        public boolean conserved() {
            return total == expectedTotal && badAudits == 0;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Options o = Options.parse(args, "bank [accounts=1024] [millis=2000] [threads=2] [--trace]", 3, "trace");
        int accounts = o.positional(0, 1024);
        long millis = o.positional(1, 2000);
        int maxThreads = o.positional(2, 2);
        if (o.flag("trace")) {
            Stm.setConflictTracing(true); // both code sites of each conflict in the summary (slower)
        }
        long initial = 1_000;
        System.out.printf("jstm bank demo: %d accounts, random transfers, an auditor summing all accounts "
                + "atomically; %d ms per run, %d cores%n%n", accounts, millis, Runtime.getRuntime().availableProcessors());

        // Warm up both implementations so the JIT has compiled the hot paths.
        run(new StmBank(accounts, initial), 2, 300, initial);
        run(new GlobalLockBank(accounts, initial), 2, 300, initial);

        List<Result> results = new ArrayList<>();
        System.out.printf("%-12s %7s %14s %9s %9s %10s  %s%n", "bank", "threads", "transfers/s", "audits", "aborts",
                "vs 1-thr", "total conserved");
        for (BiFunction<Integer, Long, Bank> make : List.<BiFunction<Integer, Long, Bank>>of(StmBank::new,
                GlobalLockBank::new)) {
            double base = 0;
            for (int t = 1; t <= maxThreads; t++) {
                Result r = run(make.apply(accounts, initial), t, millis, initial);
                results.add(r);
                if (t == 1) {
                    base = r.transfersPerSecond();
                }
                System.out.printf("%-12s %7d %,14.0f %,9d %9s %9.2fx  %s%n", r.bank, t, r.transfersPerSecond(),
                        r.audits, r.stats == null ? "-" : String.format("%,d", r.stats.conflictAborts()),
                        r.transfersPerSecond() / base,
                        r.conserved() ? "yes (" + r.total + ")" : "NO: total " + r.total + ", expected "
                                + r.expectedTotal + ", bad audits " + r.badAudits);
            }
        }
        Result stm = find(results, "jstm", maxThreads);
        Result gil = find(results, "global lock", maxThreads);
        System.out.printf("%njstm at %d threads: %.2fx the global lock.%n", maxThreads,
                stm.transfersPerSecond() / gil.transfersPerSecond());
        if (stm.stats != null) {
            // The counters and the conflict report were reset when the last jstm run (maxThreads) began.
            System.out.println("at " + maxThreads + " threads:");
            ConflictSummary.print(stm.stats, Stm.conflictReport());
        }
        if (results.stream().anyMatch(r -> !r.conserved())) {
            System.out.println("FAILED: a total was not conserved");
            System.exit(1);
        }
    }

    private static Result find(List<Result> results, String bank, int threads) {
        return results.stream().filter(r -> r.bank.equals(bank) && r.threads == threads).findFirst().orElseThrow();
    }

    /** Runs {@code threads} transfer threads plus one auditor for about {@code millis}. */
    public static Result run(Bank bank, int threads, long millis, long initial) throws InterruptedException {
        boolean isStm = bank instanceof StmBank;
        if (isStm) {
            Stm.resetStatistics();
        }
        long expected = initial * bank.accounts();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong transfers = new AtomicLong();
        AtomicLong audits = new AtomicLong();
        AtomicLong badAudits = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(threads + 1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            all.add(new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(seed * 7919L + 1);
                int n = bank.accounts();
                long done = 0;
                ready.countDown();
                while (!stop.get()) {
                    for (int k = 0; k < 64; k++) {
                        int from = rnd.nextInt(n);
                        int to = rnd.nextInt(n - 1);
                        if (to >= from) {
                            to++;
                        }
                        bank.transfer(from, to, 1 + rnd.nextInt(100));
                    }
                    done += 64;
                }
                transfers.addAndGet(done);
            }, "transfer-" + t));
        }
        all.add(new Thread(() -> {
            ready.countDown();
            while (!stop.get()) {
                if (bank.audit() != expected) {
                    badAudits.incrementAndGet();
                }
                audits.incrementAndGet();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "auditor"));
        for (Thread t : all) {
            t.start();
        }
        ready.await();
        long start = System.nanoTime();
        Thread.sleep(millis);
        stop.set(true);
        for (Thread t : all) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        StmStatistics stats = isStm ? Stm.statistics() : null;
        return new Result(bank.name(), threads, transfers.get(), audits.get(), badAudits.get(), bank.audit(),
                expected, seconds, stats);
    }
}
