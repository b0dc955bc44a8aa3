package io.jstm.collections;

import io.jstm.Stm;
import io.jstm.TransactionInterruptedException;
import io.jstm.testing.Await;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** TQueue semantics beyond the Guava suite: blocking, bounds, transactions, removal. */
class TQueueTest {

    @Test
    void elementsComeOutInTheOrderTheyWentIn() {
        TQueue<Integer> q = new TQueue<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(q.offer(i));
        }
        assertEquals(1000, q.size());
        assertEquals(0, q.peek());
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, q.poll());
        }
        assertNull(q.poll());
        assertNull(q.peek());
        assertTrue(q.isEmpty());
        assertEquals(0, q.size());
        assertThrows(NoSuchElementException.class, q::remove);
        assertThrows(NoSuchElementException.class, q::element);
    }

    @Test
    void aTakeInARolledBackTransactionPutsTheElementBack() {
        TQueue<String> q = new TQueue<>();
        q.offer("a");
        q.offer("b");
        assertThrows(IllegalStateException.class, () -> Stm.atomic(() -> {
            assertEquals("a", q.take());
            q.offer("c");
            assertEquals(2, q.size());
            throw new IllegalStateException("boom");
        }));
        assertEquals(List.of("a", "b"), new ArrayList<>(q));
    }

    @Test
    void aBoundedQueueRefusesOffersWhenFullAndAcceptsAfterAPoll() {
        TQueue<Integer> q = new TQueue<>(3);
        assertEquals(3, q.capacity());
        for (int i = 0; i < 3; i++) {
            assertTrue(q.offer(i));
        }
        assertFalse(q.offer(3));
        assertThrows(IllegalStateException.class, () -> q.add(3));
        assertEquals(0, q.remainingCapacity());
        assertEquals(0, q.poll());
        assertEquals(1, q.remainingCapacity());
        assertTrue(q.offer(3));
        assertFalse(q.offer(4));
        assertEquals(List.of(1, 2, 3), new ArrayList<>(q));
        for (int round = 0; round < 100; round++) {
            assertEquals(round + 1, q.poll());
            assertTrue(q.offer(round + 4), "one free place per poll, round " + round);
            assertFalse(q.offer(-1));
        }
    }

    @Test
    void removingFromTheMiddleKeepsOrderSizeAndCapacityRight() {
        TQueue<Integer> q = new TQueue<>(5);
        for (int i = 0; i < 5; i++) {
            q.offer(i);
        }
        assertTrue(q.remove((Object) 2));
        assertFalse(q.remove((Object) 2));
        assertEquals(4, q.size());
        assertTrue(q.offer(5), "a removal frees a place");
        assertFalse(q.offer(6));
        assertTrue(q.remove((Object) 5), "the last element");
        assertTrue(q.offer(7));
        assertEquals(List.of(0, 1, 3, 4, 7), new ArrayList<>(q));
        assertTrue(q.removeIf(x -> x % 2 == 1));
        assertEquals(List.of(0, 4), new ArrayList<>(q));
        assertEquals(2, q.size());
        assertTrue(q.offer(8));
        assertEquals(List.of(0, 4, 8), new ArrayList<>(q));
        q.clear();
        assertTrue(q.isEmpty());
        assertEquals(0, q.size());
        for (int i = 0; i < 5; i++) {
            assertTrue(q.offer(i));
        }
        assertFalse(q.offer(5));
    }

    @Test
    void iteratorRemoveRemovesThatNodeEvenAfterOthersWereCopied() {
        TQueue<String> q = new TQueue<>(List.of("a", "b", "a", "c", "d"));
        Iterator<String> it = q.iterator();
        assertEquals("a", it.next());
        assertEquals("b", it.next());
        assertEquals("a", it.next());
        q.remove("b"); // copies the first "a"
        it.remove();   // the second "a", not the first
        assertEquals(List.of("a", "c", "d"), new ArrayList<>(q));
        Stm.atomic(() -> {
            for (Iterator<String> i = q.iterator(); i.hasNext(); ) {
                if (!i.next().equals("c")) {
                    i.remove();
                }
            }
        });
        assertEquals(List.of("c"), new ArrayList<>(q));
        assertEquals(1, q.size());
    }

    @Test
    void takeBlocksUntilAProducerOffers() throws Exception {
        TQueue<String> q = new TQueue<>();
        AtomicReference<String> got = new AtomicReference<>();
        Thread consumer = new Thread(() -> got.set(q.take()), "consumer");
        consumer.start();
        Threads.awaitBlocked(consumer);
        q.offer("x");
        consumer.join(Threads.LIMIT.toMillis());
        assertFalse(consumer.isAlive());
        assertEquals("x", got.get());
        assertTrue(q.isEmpty());
    }

    @Test
    void putBlocksWhileFullUntilAConsumerPolls() throws Exception {
        TQueue<Integer> q = new TQueue<>(2);
        q.put(1);
        q.put(2);
        Thread producer = new Thread(() -> q.put(3), "producer");
        producer.start();
        Threads.awaitBlocked(producer);
        assertEquals(List.of(1, 2), new ArrayList<>(q));
        assertEquals(1, q.take());
        producer.join(Threads.LIMIT.toMillis());
        assertFalse(producer.isAlive());
        assertEquals(List.of(2, 3), new ArrayList<>(q));
    }

    @Test
    void orElseTakesFromWhicheverQueueHasAnElement() {
        TQueue<String> first = new TQueue<>();
        TQueue<String> second = new TQueue<>();
        second.offer("from second");
        assertEquals("from second", Stm.orElse(first::take, second::take));
        first.offer("from first");
        second.offer("again second");
        assertEquals("from first", Stm.orElse(first::take, second::take));
        assertEquals(1, second.size());
    }

    @Test
    void anInterruptedTakeThrowsAndKeepsTheFlag() throws Exception {
        TQueue<String> q = new TQueue<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                q.take();
            } catch (Throwable e) {
                thrown.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
        }, "consumer");
        consumer.start();
        Threads.awaitBlocked(consumer);
        consumer.interrupt();
        consumer.join(Threads.LIMIT.toMillis());
        assertInstanceOf(TransactionInterruptedException.class, thrown.get());
        assertTrue(flag.get());
    }

    @Test
    void nullElementsAreRejectedWithAMessage() {
        TQueue<String> q = new TQueue<>();
        NullPointerException e = assertThrows(NullPointerException.class, () -> q.offer(null));
        assertTrue(e.getMessage().contains("null elements"), e.getMessage());
        assertThrows(NullPointerException.class, () -> q.put(null));
        assertFalse(q.contains(null));
        assertThrows(IllegalArgumentException.class, () -> new TQueue<>(0));
    }

    @Test
    void anIteratorMadeOutsideATransactionIteratesASnapshot() {
        TQueue<Integer> q = new TQueue<>(List.of(1, 2, 3));
        Iterator<Integer> it = q.iterator();
        q.poll();
        q.offer(4);
        List<Integer> seen = new ArrayList<>();
        it.forEachRemaining(seen::add);
        assertEquals(List.of(1, 2, 3), seen);
    }

    @Test
    void anIteratorRemoveAfterItsElementWasPolledRemovesNothingElse() {
        TQueue<String> q = new TQueue<>(List.of("a", "b"));
        Iterator<String> it = q.iterator();
        assertEquals("a", it.next());
        assertEquals("a", q.poll());
        q.offer("a"); // equal, but another element
        it.remove();
        assertEquals(List.of("b", "a"), new ArrayList<>(q));
    }

    /** Removed elements must become garbage while the elements kept in front of them stay queued. */
    @Test
    void removedElementsAreNotKeptReachableByTheElementsKeptBeforeThem() {
        TQueue<Object> q = new TQueue<>();
        Object keeper = "keeper";
        q.offer(keeper);
        List<WeakReference<Object>> gone = new ArrayList<>();
        offerTracked(q, gone, 3);
        q.removeIf(e -> e != keeper);                  // copies the keeper
        offerTracked(q, gone, 1);
        q.offer("after");
        Object[] middle = offerTracked(q, gone, 1);    // removed by equality: copies the nodes before it
        q.remove(middle[0]);
        middle[0] = null;
        Object[] byIterator = offerTracked(q, gone, 1);
        q.offer("last");
        Stm.atomic(() -> {
            for (Iterator<Object> it = q.iterator(); it.hasNext(); ) {
                if (it.next() == byIterator[0]) {
                    it.remove();
                }
            }
        });
        byIterator[0] = null;
        q.removeIf(e -> e != keeper && !"after".equals(e) && !"last".equals(e));
        assertEquals(List.of("keeper", "after", "last"), new ArrayList<>(q));
        Await.until("every removed element is collected", () -> {
            System.gc();
            return gone.stream().allMatch(w -> w.get() == null);
        }, Duration.ofSeconds(30));
        assertEquals(3, q.size());
    }

    private static Object[] offerTracked(TQueue<Object> q, List<WeakReference<Object>> gone, int n) {
        Object[] made = new Object[n];
        for (int i = 0; i < n; i++) {
            made[i] = new byte[1024];
            q.offer(made[i]);
            gone.add(new WeakReference<>(made[i]));
        }
        return made;
    }

    @Test
    void clearOnAnEmptiedQueueDoesNotConflictWithAProducer() throws Exception {
        TQueue<Integer> q = new TQueue<>();
        q.offer(1);
        assertEquals(1, q.poll()); // empty, the tail still the polled node
        AtomicInteger clearAttempts = new AtomicInteger();
        CountDownLatch cleared = new CountDownLatch(1), offered = new CountDownLatch(1);
        Thread clearer = new Thread(() -> Stm.atomic(() -> {
            q.clear();
            if (clearAttempts.incrementAndGet() == 1) {
                cleared.countDown();
                try {
                    assertTrue(offered.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }));
        clearer.start();
        assertTrue(cleared.await(30, TimeUnit.SECONDS));
        q.offer(2); // commits while the clearing transaction is open
        offered.countDown();
        clearer.join(30_000);
        assertFalse(clearer.isAlive());
        assertEquals(1, clearAttempts.get(), "clearing an empty queue reads; it does not re-run");
        assertEquals(List.of(2), new ArrayList<>(q), "the clear saw the queue empty and serialized first");
    }
}
