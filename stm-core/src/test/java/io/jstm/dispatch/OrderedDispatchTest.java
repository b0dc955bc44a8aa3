package io.jstm.dispatch;

import io.jstm.LongRef;
import io.jstm.Ref;
import io.jstm.Stm;
import io.jstm.dispatch.DispatchTestSupport.Cons;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static io.jstm.dispatch.DispatchTestSupport.P;
import static io.jstm.dispatch.DispatchTestSupport.await;
import static org.junit.jupiter.api.Assertions.*;

/** Ordered mode: parallel handlers, commits in publish order, the serial result. */
@Timeout(60)
class OrderedDispatchTest {

    record Step(int id) {}

    /** Refs of an order-sensitive workload: a hot accumulator, 64 cells, a log. */
    static final class World {
        final LongRef x = LongRef.named("x", 1);
        final LongRef[] cells = new LongRef[64];
        final Ref<Cons> log = Ref.named("log", null);

        World() {
            for (int i = 0; i < cells.length; i++) {
                cells[i] = LongRef.of(i);
            }
        }

        /** Handler 1: every event depends on the previous one through x. */
        void mix(int id) {
            x.set((x.get() * 3 + id) % P);
        }

        /** Handler 2: events depend on each other only through their cell (id mod 64) and the log. */
        void cell(int id) {
            LongRef c = cells[id % cells.length];
            c.set((c.get() * 5 + id) % P);
            log.set(Cons.push(log.get(), id));
        }
    }

    @Test
    void orderedModeGivesExactlyTheSerialResult() throws Exception {
        int n = 3_000;
        World parallel = new World();
        List<CompletableFuture<Long>> reads = new ArrayList<>();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        try (EventDispatcher d = EventDispatcher.builder().threads(4).ordered(true).build()) {
            d.on(Step.class, s -> parallel.mix(s.id()));
            d.on(Step.class, s -> parallel.cell(s.id()));
            for (int i = 0; i < n; i++) {
                futures.add(d.publish(new Step(i)));
                if (i % 100 == 0) {
                    reads.add(d.submit(parallel.x::get)); // a read-only task takes its place in the order
                }
            }
            for (CompletableFuture<Void> f : futures) {
                await(f);
            }
            DispatchStatistics s = d.statistics();
            assertEquals(2L * n, s.forEventType(Step.class).commits());
        }
        World serial = new World();
        List<Long> expectedReads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            serial.mix(i);
            serial.cell(i);
            if (i % 100 == 0) {
                expectedReads.add(serial.x.get());
            }
        }
        assertEquals(serial.x.get(), parallel.x.get());
        for (int i = 0; i < serial.cells.length; i++) {
            assertEquals(serial.cells[i].get(), parallel.cells[i].get(), "cell " + i);
        }
        assertEquals(Cons.toList(serial.log.get()), Cons.toList(parallel.log.get()));
        List<Long> actualReads = new ArrayList<>();
        for (CompletableFuture<Long> r : reads) {
            actualReads.add(await(r));
        }
        assertEquals(expectedReads, actualReads, "each read saw exactly the events published before it");
    }

    @Test
    void failingHandlersAreSkippedAndTheRestCommitsInOrder() throws Exception {
        int n = 1_000;
        World parallel = new World();
        int failures = 0;
        try (EventDispatcher d = EventDispatcher.builder().threads(3).ordered(true).build()) {
            d.on(Step.class, s -> {
                parallel.mix(s.id());
                if (s.id() % 7 == 3) {
                    throw new IllegalStateException("step " + s.id());
                }
            });
            d.on(Step.class, s -> parallel.cell(s.id()));
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(d.publish(new Step(i)));
            }
            for (int i = 0; i < n; i++) {
                try {
                    await(futures.get(i));
                    assertNotEquals(3, i % 7);
                } catch (ExecutionException e) {
                    assertEquals("step " + i, e.getCause().getMessage());
                    failures++;
                }
            }
        }
        World serial = new World();
        for (int i = 0; i < n; i++) {
            if (i % 7 != 3) {
                serial.mix(i); // the failing handler's writes were rolled back
            }
            serial.cell(i);
        }
        assertEquals((n + 3) / 7, failures);
        assertEquals(serial.x.get(), parallel.x.get());
        assertEquals(Cons.toList(serial.log.get()), Cons.toList(parallel.log.get()));
    }

    @Test
    void afterCommitActionsRunInPublishOrder() throws Exception {
        int n = 2_000;
        ConcurrentLinkedQueue<Integer> io = new ConcurrentLinkedQueue<>();
        LongRef unrelated = LongRef.of(0);
        try (EventDispatcher d = EventDispatcher.builder().threads(4).ordered(true).build()) {
            d.on(Step.class, s -> {
                unrelated.get();
                Stm.afterCommit(() -> io.add(s.id()));
            });
            CompletableFuture<Void> last = null;
            for (int i = 0; i < n; i++) {
                last = d.publish(new Step(i));
            }
            await(last);
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(i);
        }
        assertEquals(expected, new ArrayList<>(io));
    }

    @Test
    void handlersThatBecomeInevitableStillCommitInOrderWithoutDeadlock() throws Exception {
        int n = 500;
        World parallel = new World();
        try (EventDispatcher d = EventDispatcher.builder().threads(4).ordered(true).build()) {
            d.on(Step.class, s -> {
                if (s.id() % 5 == 0) {
                    Stm.becomeInevitable(); // must not wait for its turn holding the token
                }
                parallel.mix(s.id());
                parallel.cell(s.id());
            });
            CompletableFuture<Void> last = null;
            for (int i = 0; i < n; i++) {
                last = d.publish(new Step(i));
            }
            await(last);
        }
        World serial = new World();
        for (int i = 0; i < n; i++) {
            serial.mix(i);
            serial.cell(i);
        }
        assertEquals(serial.x.get(), parallel.x.get());
        assertEquals(Cons.toList(serial.log.get()), Cons.toList(parallel.log.get()));
    }

    @Test
    void aHandlerEscalatedToInevitableBeforeItsTurnWaitsWithoutTheToken() throws Exception {
        LongRef x = LongRef.named("x", 1);
        LongRef noise = LongRef.named("noise", 0);
        CountDownLatch holdFirst = new CountDownLatch(1);
        AtomicInteger secondRuns = new AtomicInteger();
        AtomicReference<Thread> secondThread = new AtomicReference<>();
        long escalationsBefore = Stm.statistics().escalations();
        try (EventDispatcher d = EventDispatcher.builder().threads(2).ordered(true).build()) {
            d.on(Step.class, e -> {
                if (e.id() == 0) {
                    awaitLatch(holdFirst); // event 0 keeps the turn
                } else if (secondRuns.incrementAndGet() <= 10) {
                    secondThread.set(Thread.currentThread());
                    x.set(x.get() + 1000); // a write, so that the invalid read below aborts at once
                    noise.get();
                    Thread writer = new Thread(noise::incrementAndGet);
                    writer.start();
                    joinQuietly(writer);
                    noise.get(); // conflict: after 8 in a row the engine runs the next attempt inevitable
                }
                x.set((x.get() * 3 + e.id()) % P);
            });
            CompletableFuture<Void> first = d.publish(new Step(0));
            CompletableFuture<Void> second = d.publish(new Step(1));
            // The escalated attempt must give up the token and wait for its turn outside the transaction.
            DispatchTestSupport.awaitCondition("event 1 escalated and waits for its turn", () -> {
                Thread t = secondThread.get();
                return Stm.statistics().escalations() > escalationsBefore && t != null
                        && LockSupport.getBlocker(t) instanceof CommitOrder;
            });
            holdFirst.countDown();
            await(first);
            await(second);
        }
        assertEquals((3L * 3 + 1) % P, x.get(), "serial: event 0, then event 1");
        assertTrue(secondRuns.get() >= 11);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertTrue(latch.await(DispatchTestSupport.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void independentHandlersWaitForTheirTurnWithoutBeingReRun() throws Exception {
        int n = 2_000;
        LongRef[] own = new LongRef[n];
        for (int i = 0; i < n; i++) {
            own[i] = LongRef.of(0);
        }
        EventDispatcher d = EventDispatcher.builder().threads(4).ordered(true).build();
        try (d) {
            d.on(Step.class, s -> own[s.id()].set(own[s.id()].get() + 1));
            for (int i = 0; i < n; i++) {
                d.publish(new Step(i));
            }
        }
        HandlerStatistics s = d.statistics().forEventType(Step.class); // after close: every run recorded
        assertEquals(n, s.commits());
        // Handlers touch disjoint refs: ordering must cost waits, never conflicts.
        assertEquals(0, s.conflictAborts(), s.toString());
        for (int i = 0; i < n; i++) {
            assertEquals(1, own[i].get());
        }
    }

    @Test
    void eventsPublishedByHandlersAreOrderedAfterTheirParent() throws Exception {
        record Child(int id) {}
        Ref<Cons> log = Ref.of(null);
        try (EventDispatcher d = EventDispatcher.builder().threads(3).ordered(true).capacity(4).build()) {
            d.on(Step.class, s -> {
                log.set(Cons.push(log.get(), s.id()));
                d.publish(new Child(s.id()));
            });
            d.on(Child.class, c -> log.set(Cons.push(log.get(), 10_000 + c.id())));
            CompletableFuture<Void> f = d.publish(new Step(1));
            await(f);
            await(d.publish(new Step(2)));
        }
        List<Long> l = Cons.toList(log.get());
        assertEquals(4, l.size());
        assertTrue(l.indexOf(1L) < l.indexOf(10_001L));
        assertTrue(l.indexOf(2L) < l.indexOf(10_002L));
    }
    record Deposit(long amount) {}

    record Withdraw(long amount) {}

    static final class InsufficientFunds extends RuntimeException {
        InsufficientFunds(long balance, long amount) {
            super("balance " + balance + " < " + amount);
        }
    }

    /**
     * A withdrawal published after a deposit must see it, as in the serial run,
     * even when its handler runs (and throws) before the slow deposit commits.
     * One that the serial run refuses fails, and leaves the balance alone.
     */
    @Test
    void aHandlerThatThrowsBeforeTheEventsAheadOfItCommitIsJudgedAgainstTheirCommits() throws Exception {
        LongRef balance = LongRef.named("balance", 0);
        try (EventDispatcher d = EventDispatcher.builder().threads(2).ordered(true).build()) {
            d.on(Deposit.class, e -> {
                LockSupport.parkNanos(20_000_000L); // the withdrawal's handler runs meanwhile
                balance.set(balance.get() + e.amount());
            });
            d.on(Withdraw.class, e -> {
                long b = balance.get();
                if (b < e.amount()) {
                    throw new InsufficientFunds(b, e.amount());
                }
                balance.set(b - e.amount());
            });
            for (int round = 0; round < 5; round++) {
                CompletableFuture<Void> deposit = d.publish(new Deposit(100));
                CompletableFuture<Void> withdraw = d.publish(new Withdraw(50));
                CompletableFuture<Void> tooMuch = d.publish(new Withdraw(1_000));
                await(deposit);
                await(withdraw); // before the fix: InsufficientFunds("balance 0 < 50")
                ExecutionException e = assertThrows(ExecutionException.class, () -> await(tooMuch));
                assertInstanceOf(InsufficientFunds.class, e.getCause());
                assertEquals(50L * (round + 1), balance.get(), "round " + round);
            }
        }
    }

    @Test
    void anOrderedQueueTaskThatThrowsBeforeTheTasksAheadOfItCommitIsJudgedAgainstTheirCommits() {
        LongRef balance = LongRef.named("balance", 0);
        TransactionQueue q = new TransactionQueue();
        q.add(() -> {
            LockSupport.parkNanos(20_000_000L);
            balance.set(balance.get() + 100);
        });
        q.add(() -> {
            long b = balance.get();
            if (b < 50) {
                throw new InsufficientFunds(b, 50);
            }
            balance.set(b - 50);
        });
        q.runOrdered(2);
        assertEquals(50, balance.get());
    }
}
