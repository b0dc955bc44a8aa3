package io.jstm.dispatch;

import io.jstm.LongRef;
import io.jstm.Ref;
import io.jstm.Stm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.jstm.dispatch.DispatchTestSupport.await;
import static io.jstm.dispatch.DispatchTestSupport.conflictOnce;
import static org.junit.jupiter.api.Assertions.*;

/** Unordered dispatch: exactly-once handling, handler matching, failures, close, statistics. */
@Timeout(60)
class EventDispatcherTest {

    record Ping(int id) {}

    static class Animal {}

    static class Dog extends Animal {}

    @Test
    void everyEventIsHandledExactlyOnceUnderLoad() throws Exception {
        int n = 20_000;
        LongRef[] seen = new LongRef[n];
        for (int i = 0; i < n; i++) {
            seen[i] = LongRef.of(0);
        }
        LongRef total = LongRef.named("total", 0);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        EventDispatcher d = EventDispatcher.builder().threads(4).capacity(256).build();
        try (d) {
            d.on(Ping.class, p -> {
                seen[p.id()].set(seen[p.id()].get() + 1);
                total.set(total.get() + 1); // a hot ref: handlers conflict and are re-run
            });
            List<CompletableFuture<Void>> second = new ArrayList<>();
            Thread other = new Thread(() -> {
                for (int i = 1; i < n; i += 2) {
                    second.add(d.publish(new Ping(i)));
                }
            });
            other.start();
            for (int i = 0; i < n; i += 2) {
                futures.add(d.publish(new Ping(i)));
            }
            other.join(DispatchTestSupport.LIMIT.toMillis());
            assertFalse(other.isAlive(), "second publisher did not finish");
            futures.addAll(second);
            for (CompletableFuture<Void> f : futures) {
                await(f);
            }
        }
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen[i].get(), "event " + i + " handled once");
        }
        assertEquals(n, total.get());
        DispatchStatistics s = d.statistics();
        assertEquals(n, s.published());
        assertEquals(n, s.completed());
        assertEquals(0, s.failed());
        assertEquals(0, s.inFlight());
        assertEquals(0, s.queueDepth());
        assertEquals(n, s.forEventType(Ping.class).commits());
        assertEquals(0, s.forEventType(Ping.class).failures());
    }

    @Test
    void handlersForASupertypeAlsoReceiveSubtypeEventsInRegistrationOrder() throws Exception {
        Ref<List<String>> log = Ref.of(List.of());
        try (EventDispatcher d = EventDispatcher.builder().threads(3).ordered(true).build()) {
            d.on(Object.class, e -> append(log, "object"));
            d.on(Dog.class, e -> append(log, "dog"));
            d.on(Animal.class, e -> append(log, "animal"));
            await(d.publish(new Dog()));
            assertEquals(List.of("object", "dog", "animal"), log.getAndSet(List.of()));
            await(d.publish(new Animal()));
            assertEquals(List.of("object", "animal"), log.getAndSet(List.of()));
            await(d.publish("text"));
            assertEquals(List.of("object"), log.getAndSet(List.of()));
            d.on(Dog.class, e -> append(log, "late dog")); // applies to later events
            await(d.publish(new Dog()));
            assertEquals(List.of("object", "dog", "animal", "late dog"), log.get());
        }
    }

    private static void append(Ref<List<String>> log, String s) {
        List<String> l = new ArrayList<>(log.get());
        l.add(s);
        log.set(List.copyOf(l));
    }

    @Test
    void anEventWithoutHandlersCompletesAtOnceAndIsCountedAsUnhandled() {
        try (EventDispatcher d = EventDispatcher.create(1)) {
            CompletableFuture<Void> f = d.publish("nobody listens");
            assertTrue(f.isDone() && !f.isCompletedExceptionally());
            assertEquals(1, d.statistics().unhandled());
            assertEquals(0, d.statistics().published());
        }
    }

    @Test
    void aFailingHandlerFailsOnlyItsEventsFutureAndIsRolledBack() throws Exception {
        int n = 200;
        LongRef[] touched = new LongRef[n];
        LongRef[] other = new LongRef[n];
        for (int i = 0; i < n; i++) {
            touched[i] = LongRef.of(0);
            other[i] = LongRef.of(0);
        }
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        try (EventDispatcher d = EventDispatcher.create(2)) {
            d.on(Ping.class, p -> {
                touched[p.id()].set(1);
                if (p.id() % 2 == 1) {
                    throw new IllegalStateException("odd " + p.id());
                }
            });
            d.on(Ping.class, p -> other[p.id()].set(1));
            for (int i = 0; i < n; i++) {
                futures.add(d.publish(new Ping(i)));
            }
            for (int i = 0; i < n; i++) {
                if (i % 2 == 0) {
                    await(futures.get(i));
                } else {
                    int id = i;
                    ExecutionException e = assertThrows(ExecutionException.class, () -> await(futures.get(id)));
                    assertInstanceOf(IllegalStateException.class, e.getCause());
                    assertEquals("odd " + i, e.getCause().getMessage());
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(i % 2 == 0 ? 1 : 0, touched[i].get(), "failed handler's write rolled back: " + i);
                assertEquals(1, other[i].get(), "the event's other handler still committed: " + i);
            }
            // The pool survived: later events are handled.
            await(d.publish(new Ping(0)));
            DispatchStatistics s = d.statistics();
            assertEquals(n / 2, s.failed());
            assertEquals(n / 2 + 1, s.completed());
            assertEquals(n / 2, s.forEventType(Ping.class).failures());
            assertEquals(n + n / 2 + 2, s.forEventType(Ping.class).commits());
        }
    }

    @Test
    void twoFailingHandlersReportTheFirstFailureWithTheOtherSuppressed() throws Exception {
        try (EventDispatcher d = EventDispatcher.builder().threads(2).ordered(true).build()) {
            d.on(Ping.class, p -> {
                throw new IllegalArgumentException("first");
            });
            d.on(Ping.class, p -> {
                throw new UnsupportedOperationException("second");
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(d.publish(new Ping(1))));
            Throwable first = e.getCause();
            assertEquals(1, first.getSuppressed().length);
            assertNotEquals(first.getClass(), first.getSuppressed()[0].getClass());
        }
    }

    @Test
    void submitReturnsTheValueOfTheAttemptThatCommitted() throws Exception {
        LongRef counter = LongRef.of(10);
        AtomicBoolean conflicted = new AtomicBoolean();
        LongRef trigger = LongRef.of(0);
        try (EventDispatcher d = EventDispatcher.create(2)) {
            long v = await(d.submit(() -> {
                long seen = trigger.get();
                conflictOnce(trigger, conflicted);
                counter.set(counter.get() + seen);
                return counter.get();
            }));
            assertEquals(11, v, "the re-run saw the conflicting write");
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(d.submit(() -> {
                counter.set(-1);
                throw new ArithmeticException("boom");
            })));
            assertInstanceOf(ArithmeticException.class, e.getCause());
            assertEquals(11, counter.get());
            DispatchStatistics s = d.statistics();
            assertEquals(2, s.submitted());
            assertEquals(1, s.tasks().conflictAborts());
            assertEquals(1, s.tasks().failures());
        }
    }

    @Test
    void publishAndSubmitAfterCloseFailWithAClearException() {
        EventDispatcher d = EventDispatcher.create(1);
        d.on(Ping.class, p -> { });
        d.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.publish(new Ping(1)));
        assertTrue(e.getMessage().contains("dispatcher is closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> d.publish("no handler either"));
        assertThrows(IllegalStateException.class, () -> d.submit(() -> 1));
        IllegalStateException inside = assertThrows(IllegalStateException.class,
                () -> Stm.atomic(() -> d.publish(new Ping(2))));
        assertTrue(inside.getMessage().contains("dispatcher is closed"));
        d.close(); // idempotent
    }

    @Test
    void closeFinishesEveryAcceptedEventBeforeReturning() throws Exception {
        int n = 5_000;
        LongRef handled = LongRef.of(0);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        EventDispatcher d = EventDispatcher.builder().threads(2).capacity(n).build();
        d.on(Ping.class, p -> handled.set(handled.get() + 1));
        for (int i = 0; i < n; i++) {
            futures.add(d.publish(new Ping(i)));
        }
        d.close();
        assertEquals(n, handled.get());
        for (CompletableFuture<Void> f : futures) {
            assertTrue(f.isDone() && !f.isCompletedExceptionally());
        }
        assertEquals(0, d.statistics().inFlight());
    }

    @Test
    void closeFromAHandlerIsRefusedInsteadOfWaitingForItself() {
        EventDispatcher d = EventDispatcher.create(1);
        try {
            d.on(Ping.class, p -> d.close());
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(d.publish(new Ping(1))));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("wait for itself"));
        } finally {
            d.close();
        }
    }

    @Test
    void closeDoesNotShutDownAGivenPool() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            LongRef handled = LongRef.of(0);
            try (EventDispatcher d = EventDispatcher.create(pool)) {
                d.on(Ping.class, p -> handled.incrementAndGet());
                for (int i = 0; i < 100; i++) {
                    d.publish(new Ping(i));
                }
            }
            assertEquals(100, handled.get());
            assertFalse(pool.isShutdown());
            assertEquals(7, pool.submit(() -> 7).get(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aPoolThatRefusesWorkFailsTheEventInsteadOfLosingIt() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        try (EventDispatcher d = EventDispatcher.create(pool)) {
            d.on(Ping.class, p -> { });
            CompletableFuture<Void> f = d.publish(new Ping(1));
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(f));
            assertInstanceOf(RejectedExecutionException.class, e.getCause());
            assertEquals(0, d.statistics().inFlight());
        }
    }

    @Test
    void publishInsideAHandlerHappensOnceWhenTheHandlerCommits() throws Exception {
        record Parent(int id) {}
        LongRef trigger = LongRef.of(0);
        LongRef parentsCommitted = LongRef.of(0);
        LongRef children = LongRef.of(0);
        AtomicBoolean conflicted = new AtomicBoolean();
        List<CompletableFuture<Void>> childFutures = new ArrayList<>();
        try (EventDispatcher d = EventDispatcher.builder().threads(2).capacity(1).build()) {
            d.on(Ping.class, p -> children.set(children.get() + 1));
            d.on(Parent.class, p -> {
                CompletableFuture<Void> child = d.publish(new Ping(p.id())); // deferred to commit
                Stm.afterCommit(() -> childFutures.add(child));
                conflictOnce(trigger, conflicted); // the first attempt aborts after publishing
                parentsCommitted.set(parentsCommitted.get() + 1);
            });
            await(d.publish(new Parent(1)));
            assertEquals(1, childFutures.size());
            await(childFutures.get(0)); // even beyond capacity 1: a handler's publish never waits
            assertEquals(1, parentsCommitted.get());
            assertEquals(1, children.get(), "the aborted attempt published nothing");
            assertEquals(1, d.statistics().forEventType(Parent.class).conflictAborts());
        }
    }

    @Test
    void publishInsideAnAbortedTransactionCancelsItsFuture() {
        try (EventDispatcher d = EventDispatcher.create(1)) {
            LongRef handled = LongRef.of(0);
            d.on(Ping.class, p -> handled.incrementAndGet());
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            assertThrows(IllegalStateException.class, () -> Stm.atomic(() -> {
                futures.add(d.publish(new Ping(1)));
                throw new IllegalStateException("roll back");
            }));
            assertTrue(futures.get(0).isCancelled());
            assertEquals(0, d.statistics().published());
        }
    }

    @Test
    void statisticsCountConflictsAndRetriesPerEventType() throws Exception {
        record Contended(int id) {}
        record Waiting(int id) {}
        LongRef trigger = LongRef.of(0);
        LongRef out = LongRef.of(0);
        LongRef flag = LongRef.of(0);
        AtomicBoolean conflicted = new AtomicBoolean();
        AtomicInteger waitingAttempts = new AtomicInteger();
        try (EventDispatcher d = EventDispatcher.create(2)) {
            d.on(Contended.class, e -> {
                conflictOnce(trigger, conflicted);
                out.set(out.get() + 1);
            });
            d.on(Waiting.class, e -> {
                long f = flag.get();
                waitingAttempts.incrementAndGet();
                if (f == 0) {
                    Stm.retry();
                }
            });
            await(d.publish(new Contended(1)));
            CompletableFuture<Void> waiting = d.publish(new Waiting(1));
            DispatchTestSupport.awaitCondition("the waiting handler ran once", () -> waitingAttempts.get() >= 1);
            flag.set(1);
            await(waiting);
            DispatchStatistics s = d.statistics();
            assertEquals(new HandlerStatistics(1, 0, 1, 0, 0), s.forEventType(Contended.class));
            assertEquals(new HandlerStatistics(1, 0, 0, 1, 0), s.forEventType(Waiting.class));
            assertEquals(List.of(Contended.class, Waiting.class), List.copyOf(s.byEventType().keySet()));
            assertTrue(s.toString().contains("Contended"), s.toString());
        }
    }

    @Test
    void builderRejectsContradictoryOrInvalidSettings() {
        assertThrows(IllegalArgumentException.class, () -> EventDispatcher.builder().threads(0));
        assertThrows(IllegalArgumentException.class, () -> EventDispatcher.builder().capacity(0));
        assertThrows(IllegalArgumentException.class, () -> EventDispatcher.builder().parallelism(-1));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            assertThrows(IllegalStateException.class,
                    () -> EventDispatcher.builder().threads(2).executor(pool).build());
        } finally {
            pool.shutdown();
        }
    }
    record Visit(int depth) {}

    /** close() finishes accepted work, including the follow-ups its handlers publish. */
    @Test
    void closeLetsAChainOfEventsStartedBeforeItRunToItsEnd() throws Exception {
        int depth = 20;
        LongRef visited = LongRef.of(0);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        EventDispatcher d = EventDispatcher.builder().threads(2).build();
        d.on(Visit.class, v -> {
            visited.set(visited.get() + 1);
            if (v.depth() == 0) {
                Stm.afterCommit(() -> java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L)); // close() runs
            }
            if (v.depth() < depth) {
                d.publish(new Visit(v.depth() + 1)).whenComplete((x, t) -> {
                    if (t != null) {
                        failures.add(t);
                    }
                });
            }
        });
        CompletableFuture<Void> root = d.publish(new Visit(0));
        d.close();
        assertTrue(root.isDone());
        await(root); // completed normally
        assertEquals(List.of(), failures);
        assertEquals(depth + 1, visited.get(), "every event of the chain was handled");
        assertThrows(IllegalStateException.class, () -> d.publish(new Visit(0)), "outside, closed is closed");
    }

    /** on() inside a transaction registers when it commits: once, and not at all from a rolled-back branch. */
    @Test
    void onInsideATransactionRegistersOnlyWhenItCommits() throws Exception {
        AtomicInteger first = new AtomicInteger(), second = new AtomicInteger();
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean conflicted = new AtomicBoolean();
        LongRef x = LongRef.of(0);
        try (EventDispatcher d = EventDispatcher.builder().threads(2).build()) {
            Stm.atomic(() -> Stm.orElse(() -> {
                d.on(Ping.class, p -> first.incrementAndGet());
                Stm.retry();
                return null;
            }, () -> {
                d.on(Ping.class, p -> second.incrementAndGet());
                attempts.incrementAndGet();
                conflictOnce(x, conflicted); // the first attempt re-runs: its registration must not count
                x.set(x.get() + 10);
                return null;
            }));
            assertThrows(IllegalStateException.class, () -> Stm.atomic(() -> {
                d.on(Ping.class, p -> first.incrementAndGet());
                throw new IllegalStateException("rolled back");
            }));
            await(d.publish(new Ping(1)));
        }
        assertEquals(2, attempts.get(), "the block ran twice");
        assertEquals(0, first.get(), "registered in a discarded branch or a rolled-back transaction");
        assertEquals(1, second.get(), "registered once");
    }
}
