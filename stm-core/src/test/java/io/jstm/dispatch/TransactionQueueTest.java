package io.jstm.dispatch;

import io.jstm.LongRef;
import io.jstm.Ref;
import io.jstm.Stm;
import io.jstm.dispatch.DispatchTestSupport.Cons;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.jstm.dispatch.DispatchTestSupport.P;
import static io.jstm.dispatch.DispatchTestSupport.conflictOnce;
import static org.junit.jupiter.api.Assertions.*;

/** TransactionQueue: every task once, tasks adding tasks, first failure, ordered runs. */
@Timeout(60)
class TransactionQueueTest {

    @Test
    void runExecutesEveryTaskExactlyOnceAndReturnsWhenTheQueueIsEmpty() {
        int n = 10_000;
        LongRef[] seen = new LongRef[n];
        LongRef total = LongRef.of(0);
        TransactionQueue q = new TransactionQueue();
        for (int i = 0; i < n; i++) {
            LongRef r = seen[i] = LongRef.of(0);
            q.add(() -> {
                r.set(r.get() + 1);
                total.set(total.get() + 1);
            });
        }
        assertEquals(n, q.size());
        q.run(4);
        assertEquals(0, q.size());
        assertEquals(n, total.get());
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen[i].get(), "task " + i);
        }
        q.run(2); // an empty queue returns at once
    }

    @Test
    void tasksAddedByRunningTasksRunToo() {
        LongRef nodes = LongRef.of(0);
        TransactionQueue q = new TransactionQueue();
        q.add(() -> visit(q, nodes, 12));
        q.run(4);
        assertEquals((1 << 12) - 1, nodes.get(), "a full binary tree of depth 12");
    }

    private static void visit(TransactionQueue q, LongRef nodes, int depth) {
        nodes.set(nodes.get() + 1);
        if (depth > 1) {
            q.add(() -> visit(q, nodes, depth - 1));
            q.add(() -> visit(q, nodes, depth - 1));
        }
    }

    @Test
    void anAttemptRolledBackByAConflictAddsNothing() {
        LongRef trigger = LongRef.of(0);
        LongRef children = LongRef.of(0);
        AtomicBoolean conflicted = new AtomicBoolean();
        TransactionQueue q = new TransactionQueue();
        q.add(() -> {
            q.add(() -> children.set(children.get() + 1));
            conflictOnce(trigger, conflicted);
            children.get();
            trigger.set(trigger.get() + 1);
        });
        q.run(2);
        assertTrue(conflicted.get());
        assertEquals(1, children.get());
    }

    @Test
    void addOutsideARunQueuesAtOnceAndAddInsideATransactionQueuesOnCommit() {
        TransactionQueue q = new TransactionQueue();
        q.add(() -> { });
        assertEquals(1, q.size());
        assertThrows(IllegalStateException.class, () -> Stm.atomic(() -> {
            q.add(() -> { });
            throw new IllegalStateException("roll back");
        }));
        assertEquals(1, q.size(), "a rolled-back transaction added nothing");
        Stm.atomic(() -> q.add(() -> { }));
        assertEquals(2, q.size());
    }

    @Test
    void theFirstExceptionIsRethrownAndLaterTasksStayQueued() {
        LongRef done = LongRef.of(0);
        LongRef written = LongRef.of(0);
        IllegalStateException boom = new IllegalStateException("task 3 failed");
        TransactionQueue q = new TransactionQueue();
        for (int i = 0; i < 10; i++) {
            int id = i;
            q.add(() -> {
                if (id == 3) {
                    written.set(99);
                    throw boom;
                }
                done.set(done.get() + 1);
            });
        }
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> q.run(1));
        assertSame(boom, thrown);
        assertEquals(3, done.get(), "tasks before the failure ran");
        assertEquals(0, written.get(), "the failing task was rolled back");
        assertEquals(6, q.size(), "no new task was taken after the failure");
        q.run(2);
        assertEquals(9, done.get());
    }

    @Test
    void aFailureWithSeveralThreadsStopsTheRunAndRethrowsIt() {
        LongRef done = LongRef.of(0);
        TransactionQueue q = new TransactionQueue();
        for (int i = 0; i < 2_000; i++) {
            int id = i;
            q.add(() -> {
                if (id == 500) {
                    throw new ArithmeticException("task 500");
                }
                done.set(done.get() + 1);
            });
        }
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> q.run(4));
        assertEquals("task 500", e.getMessage());
        assertEquals(2_000 - 1 - q.size(), done.get(), "every task taken has finished");
    }

    @Test
    void runOrderedGivesExactlyTheResultOfASerialRunIncludingAddedTasks() {
        int initial = 1_000;
        LongRef x = LongRef.of(1);
        Ref<Cons> log = Ref.of(null);
        TransactionQueue q = new TransactionQueue();
        for (int i = 0; i < initial; i++) {
            q.add(orderedTask(q, x, log, i));
        }
        q.runOrdered(4);
        // The serial reference: FIFO, each task's additions appended as it runs.
        long expected = 1;
        ArrayDeque<Integer> serial = new ArrayDeque<>();
        List<Long> expectedLog = new java.util.ArrayList<>();
        for (int i = 0; i < initial; i++) {
            serial.add(i);
        }
        while (!serial.isEmpty()) {
            int label = serial.poll();
            expected = (expected * 3 + label) % P;
            expectedLog.add((long) label);
            if (label % 3 == 0 && label < 2_000) {
                serial.add(label + 1_000);
            }
        }
        assertEquals(expected, x.get());
        assertEquals(expectedLog, Cons.toList(log.get()));
    }

    private static Runnable orderedTask(TransactionQueue q, LongRef x, Ref<Cons> log, int label) {
        return () -> {
            x.set((x.get() * 3 + label) % P);
            log.set(Cons.push(log.get(), label));
            if (label % 3 == 0 && label < 2_000) {
                q.add(orderedTask(q, x, log, label + 1_000));
            }
        };
    }

    @Test
    void runOrderedWithAFailureCommitsAPrefixInOrderAndRethrows() {
        LongRef x = LongRef.of(1);
        Ref<Cons> log = Ref.of(null);
        TransactionQueue q = new TransactionQueue();
        for (int i = 0; i < 1_000; i++) {
            int label = i;
            q.add(() -> {
                x.set((x.get() * 3 + label) % P);
                log.set(Cons.push(log.get(), label));
                if (label == 400) {
                    throw new IllegalStateException("task 400");
                }
            });
        }
        assertThrows(IllegalStateException.class, () -> q.runOrdered(4));
        List<Long> committed = Cons.toList(log.get());
        long expected = 1;
        for (int i = 0; i < committed.size(); i++) {
            long label = committed.get(i);
            assertEquals(i < 400 ? i : i + 1, label, "commits are in FIFO order, skipping the failed task");
            expected = (expected * 3 + label) % P;
        }
        assertTrue(committed.size() >= 400, "every task before the failure committed");
        assertEquals(expected, x.get());
        assertEquals(1_000 - 1 - committed.size(), q.size());
    }

    @Test
    void runInsideATransactionOrWithoutThreadsIsRefused() {
        TransactionQueue q = new TransactionQueue();
        assertThrows(IllegalStateException.class, () -> Stm.atomic(() -> q.run(2)));
        assertThrows(IllegalArgumentException.class, () -> q.run(0));
    }
}
