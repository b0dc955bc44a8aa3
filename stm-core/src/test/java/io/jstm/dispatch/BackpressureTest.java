package io.jstm.dispatch;

import io.jstm.LongRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.jstm.dispatch.DispatchTestSupport.LIMIT;
import static io.jstm.dispatch.DispatchTestSupport.await;
import static io.jstm.dispatch.DispatchTestSupport.awaitCondition;
import static io.jstm.dispatch.DispatchTestSupport.parkedOnCondition;
import static org.junit.jupiter.api.Assertions.*;

/** Bounded intake: FAIL rejects when full, BLOCK waits for room, close wakes blocked publishers. */
@Timeout(60)
class BackpressureTest {

    record Job(int id) {}

    /** A dispatcher whose handler holds every event until {@code release} opens. */
    private static EventDispatcher holding(CountDownLatch release, LongRef handled, int capacity, WhenFull policy) {
        EventDispatcher d = EventDispatcher.builder().threads(1).capacity(capacity).whenFull(policy).build();
        d.on(Job.class, j -> {
            try {
                assertTrue(release.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS), "test never released the handler");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            handled.set(handled.get() + 1);
        });
        return d;
    }

    @Test
    void failModeRejectsWhenFullAndAcceptsAgainOnceThereIsRoom() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LongRef handled = LongRef.of(0);
        try (EventDispatcher d = holding(release, handled, 2, WhenFull.FAIL)) {
            CompletableFuture<Void> a = d.publish(new Job(1));
            CompletableFuture<Void> b = d.publish(new Job(2));
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> d.publish(new Job(3)));
            assertTrue(e.getMessage().contains("full"), e.getMessage());
            assertThrows(RejectedExecutionException.class, () -> d.submit(() -> 1));
            DispatchStatistics s = d.statistics();
            assertEquals(2, s.rejected());
            assertEquals(2, s.inFlight());
            release.countDown();
            await(a);
            await(b);
            await(d.publish(new Job(4))); // room again, even right after the futures completed
            assertEquals(3, handled.get());
        }
    }

    @Test
    void blockModeMakesThePublisherWaitForRoom() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LongRef handled = LongRef.of(0);
        try (EventDispatcher d = holding(release, handled, 1, WhenFull.BLOCK)) {
            CompletableFuture<Void> first = d.publish(new Job(1));
            AtomicReference<CompletableFuture<Void>> second = new AtomicReference<>();
            Thread publisher = new Thread(() -> second.set(d.publish(new Job(2))), "blocked-publisher");
            publisher.start();
            awaitCondition("the publisher waits for room", () -> parkedOnCondition(publisher));
            assertNull(second.get(), "publish returned although the dispatcher was full");
            assertEquals(1, d.statistics().inFlight());
            release.countDown();
            publisher.join(LIMIT.toMillis());
            assertFalse(publisher.isAlive());
            await(first);
            await(second.get());
            assertEquals(2, handled.get());
        }
    }

    @Test
    void anInterruptedBlockedPublisherIsRejectedAndKeepsTheFlag() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LongRef handled = LongRef.of(0);
        try (EventDispatcher d = holding(release, handled, 1, WhenFull.BLOCK)) {
            d.publish(new Job(1));
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Thread publisher = new Thread(() -> {
                try {
                    d.publish(new Job(2));
                } catch (Throwable e) {
                    thrown.set(e);
                    flag.set(Thread.currentThread().isInterrupted());
                }
            });
            publisher.start();
            awaitCondition("the publisher waits for room", () -> parkedOnCondition(publisher));
            publisher.interrupt();
            publisher.join(LIMIT.toMillis());
            assertInstanceOf(RejectedExecutionException.class, thrown.get());
            assertTrue(flag.get());
            release.countDown();
        }
        assertEquals(1, handled.get());
    }

    @Test
    void closingWakesABlockedPublisherWithTheClosedException() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LongRef handled = LongRef.of(0);
        EventDispatcher d = holding(release, handled, 1, WhenFull.BLOCK);
        CompletableFuture<Void> first = d.publish(new Job(1));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread publisher = new Thread(() -> {
            try {
                d.publish(new Job(2));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        publisher.start();
        awaitCondition("the publisher waits for room", () -> parkedOnCondition(publisher));
        Thread closer = new Thread(d::close, "closer");
        closer.start();
        awaitCondition("close waits for the accepted event", () -> parkedOnCondition(closer));
        release.countDown();
        closer.join(LIMIT.toMillis());
        publisher.join(LIMIT.toMillis());
        assertFalse(closer.isAlive() || publisher.isAlive());
        assertInstanceOf(IllegalStateException.class, thrown.get());
        assertTrue(first.isDone() && !first.isCompletedExceptionally(), "close finished the accepted event");
        assertEquals(1, handled.get());
    }

    @Test
    void theDefaultCapacityIsBounded() {
        CountDownLatch release = new CountDownLatch(1);
        LongRef handled = LongRef.of(0);
        try (EventDispatcher d = EventDispatcher.builder().threads(1).whenFull(WhenFull.FAIL).build()) {
            d.on(Job.class, j -> {
                try {
                    assertTrue(release.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                handled.set(handled.get() + 1);
            });
            for (int i = 0; i < EventDispatcher.DEFAULT_CAPACITY; i++) {
                d.publish(new Job(i));
            }
            assertThrows(RejectedExecutionException.class, () -> d.publish(new Job(-1)));
            release.countDown();
        }
        assertEquals(EventDispatcher.DEFAULT_CAPACITY, handled.get());
    }
}
