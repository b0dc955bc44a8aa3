package io.jstm.collections;

import io.jstm.Stm;
import io.jstm.StmStatistics;
import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/** TQueue under concurrent producers and consumers. */
class TQueueConcurrencyTest {
    private static final int STOP = -1;

    @Test
    void twoProducersAndTwoConsumersLoseAndDuplicateNothing() throws Exception {
        handOff(TQueue::new);
    }

    @Test
    void aSmallBoundedQueueLosesAndDuplicatesNothingWhileProducersBlock() throws Exception {
        handOff(() -> new TQueue<>(8));
    }

    private static void handOff(Supplier<TQueue<Integer>> factory) throws Exception {
        TQueue<Integer> q = factory.get();
        int producers = 2, consumers = 2, perProducer = 20_000;
        List<List<Integer>> received = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            received.add(new ArrayList<>());
        }
        Workers consumerThreads = new Workers(Threads.LIMIT).start(consumers, c -> {
            for (int item; (item = q.take()) != STOP; ) {
                received.get(c).add(item);
            }
        });
        Workers producerThreads = new Workers(Threads.LIMIT).start(producers, p -> {
            for (int i = 0; i < perProducer; i++) {
                int item = p * perProducer + i;
                if ((i & 1) == 0) {
                    q.put(item);
                } else {
                    Stm.atomic(() -> {
                        if (!q.offer(item)) {
                            Stm.retry();
                        }
                    });
                }
            }
        });
        producerThreads.join();
        for (int c = 0; c < consumers; c++) {
            q.put(STOP); // FIFO: after every item
        }
        consumerThreads.join();

        BitSet seen = new BitSet();
        for (List<Integer> items : received) {
            int[] lastOf = new int[producers];
            java.util.Arrays.fill(lastOf, -1);
            for (int item : items) {
                assertFalse(seen.get(item), "item " + item + " taken twice");
                seen.set(item);
                int p = item / perProducer;
                assertTrue(item > lastOf[p], "one producer's items arrive in order");
                lastOf[p] = item;
            }
        }
        assertEquals(producers * perProducer, seen.cardinality(), "no item lost");
        assertTrue(q.isEmpty());
        assertEquals(0, q.size());
    }

    @Test
    void aProducerAndAConsumerOnANonEmptyQueueNeverConflict() throws Exception {
        for (TQueue<Integer> q : List.of(new TQueue<Integer>(), new TQueue<Integer>(100_000))) {
            int rounds = 20_000;
            for (int i = 0; i < rounds + 1000; i++) {
                q.offer(i);
            }
            Stm.resetStatistics();
            new Workers(Threads.LIMIT).start(2, w -> {
                for (int i = 0; i < rounds; i++) {
                    if (w == 0) {
                        assertTrue(q.offer(i));
                    } else {
                        assertNotNull(q.poll());
                    }
                }
            }).join();
            StmStatistics stats = Stm.statistics();
            assertEquals(0, stats.conflictAborts(), "capacity " + q.capacity() + ": " + stats);
            assertEquals(rounds + 1000, q.size());
        }
    }

    @Test
    void transactionsMovingElementsBetweenQueuesKeepEveryElementExactlyOnce() throws Exception {
        TQueue<Integer> left = new TQueue<>(), right = new TQueue<>();
        int n = 200;
        for (int i = 0; i < n; i++) {
            left.offer(i);
        }
        Workers movers = new Workers(Threads.LIMIT).start(2, w -> {
            for (int i = 0; i < 10_000; i++) {
                Stm.atomic(() -> {
                    Integer x = Stm.orElse(left::take, right::take);
                    (x % 2 == 0 ? right : left).offer(x);
                });
            }
        });
        Workers auditor = new Workers(Threads.LIMIT).start(1, a -> {
            for (int i = 0; i < 2_000; i++) {
                int total = Stm.atomic(() -> left.size() + right.size());
                assertEquals(n, total);
            }
        });
        movers.join();
        auditor.join();
        BitSet all = new BitSet();
        for (TQueue<Integer> q : List.of(left, right)) {
            for (int x : q) {
                assertFalse(all.get(x));
                all.set(x);
            }
        }
        assertEquals(n, all.cardinality());
    }
}
