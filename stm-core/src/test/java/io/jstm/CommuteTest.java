package io.jstm;

import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Commutative updates: no conflicts between commuters, ordinary semantics once read. */
class CommuteTest {

    @Test
    void transactionsThatOnlyCommuteAHotCounterNeverConflict() throws Exception {
        LongRef hits = LongRef.named("hits", 0);
        Ref<Long> boxed = Ref.named("boxed-hits", 0L);
        int threads = 4, per = 20_000;
        Stm.resetStatistics();
        new Workers().start(threads, w -> {
            for (int i = 0; i < per; i++) {
                Stm.atomic(() -> {
                    hits.commute(v -> v + 1);
                    boxed.commute(v -> v + 1);
                });
            }
        }).join(Duration.ofSeconds(60));
        assertEquals(threads * per, hits.get());
        assertEquals(threads * per, (long) boxed.get());
        assertEquals(0, Stm.statistics().conflictAborts(), Stm.statistics().toString());
    }

    @Test
    void aReadAfterACommuteSeesThePendingFunctionsApplied() {
        LongRef r = LongRef.of(10);
        long seen = Stm.atomic(() -> {
            r.commute(v -> v * 2);
            r.commute(v -> v + 1);
            return r.get();
        });
        assertEquals(21, seen);
        assertEquals(21, r.get());
    }

    @Test
    void commutesApplyInTheOrderTheyWereMade() {
        Ref<String> r = Ref.of("");
        Stm.atomic(() -> {
            r.commute(s -> s + "a");
            r.commute(s -> s + "b");
            r.commute(s -> s + "c");
        });
        assertEquals("abc", r.get());
    }

    @Test
    void aCommuteAfterAWriteAppliesToTheWrittenValue() {
        LongRef r = LongRef.of(0);
        Stm.atomic(() -> {
            r.set(5);
            r.commute(v -> v * 3);
            assertEquals(15, r.get());
        });
        assertEquals(15, r.get());
    }

    @Test
    void aWriteAfterACommuteReplacesIt() {
        LongRef r = LongRef.of(1);
        Stm.atomic(() -> {
            r.commute(v -> v + 100);
            r.set(7);
        });
        assertEquals(7, r.get());
    }

    @Test
    void aCommuteIsAppliedToTheValueCommittedAfterTheTransactionStarted() throws Exception {
        LongRef r = LongRef.of(0);
        java.util.concurrent.CountDownLatch queued = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
        Workers w = new Workers().start(1, i -> Stm.atomic(() -> {
            r.commute(v -> v + 1);
            if (queued.getCount() > 0) {
                queued.countDown();
                ConcurrencyTest.await(written);
            }
        }));
        queued.await();
        r.set(100);
        written.countDown();
        w.join(Duration.ofSeconds(30));
        assertEquals(101, r.get());
    }

    @Test
    void anExceptionDiscardsPendingCommutes() {
        LongRef r = LongRef.of(1);
        assertThrows(IllegalStateException.class, () -> Stm.atomic(() -> {
            r.commute(v -> v + 1);
            throw new IllegalStateException("no");
        }));
        assertEquals(1, r.get());
    }

    @Test
    void aDiscardedOrElseBranchDiscardsItsCommutes() {
        LongRef r = LongRef.of(1), gate = LongRef.of(0);
        Stm.atomic(() -> Stm.orElse(() -> {
            r.commute(v -> v + 10);
            if (gate.get() == 0) {
                Stm.retry();
            }
            return null;
        }, () -> {
            r.commute(v -> v + 1);
            return null;
        }));
        assertEquals(2, r.get());
    }

    /**
     * Pending functions kept in one chain per ref: many of them in one transaction, and
     * nested blocks and orElse branches whose commutes on the same ref are undone while
     * the enclosing ones stay, in the order they were made (a string records the order).
     */
    @Test
    void longChainsOfCommutesOnOneRefSurviveNestedUndoInOrder() {
        Ref<String> log = Ref.of("");
        LongRef n = LongRef.of(0);
        Stm.atomic(() -> {
            for (int i = 0; i < 20_000; i++) {
                n.commute(v -> v + 1);
            }
            log.commute(s -> s + "a");
            log.commute(s -> s + "b");
            assertThrows(IllegalStateException.class, () -> Stm.atomic(() -> {
                log.commute(s -> s + "X"); // undone with its block
                n.commute(v -> v + 1_000_000);
                Stm.atomic(() -> log.commute(s -> s + "Y")); // joins, then undone with the outer nested block
                throw new IllegalStateException("undo the nested block");
            }));
            log.commute(s -> s + "c");
            Stm.orElse(() -> {
                log.commute(s -> s + "Z"); // undone: the branch retries
                for (int i = 0; i < 1_000; i++) {
                    n.commute(v -> v + 1_000_000);
                }
                Stm.retry();
                return null;
            }, () -> {
                log.commute(s -> s + "d");
                return null;
            });
            Stm.atomic(() -> log.commute(s -> s + "e")); // a nested block that commits
            log.commute(s -> s + "f");
        });
        assertEquals("abcdef", log.get());
        assertEquals(20_000, n.get());
        // A read resolves the chain: same order, with the transaction's own later commutes after it.
        String seen = Stm.atomic(() -> {
            for (char ch = 'g'; ch <= 'k'; ch++) {
                char c = ch;
                log.commute(s -> s + c);
            }
            String s = log.get();
            log.commute(x -> x + "!");
            return s;
        });
        assertEquals("abcdefghijk", seen);
        assertEquals("abcdefghijk!", log.get());
    }

    @Test
    void aFailingCommuteFunctionRollsBackTheWholeTransaction() {
        LongRef a = LongRef.of(1), b = LongRef.of(1);
        RuntimeException e = assertThrows(RuntimeException.class, () -> Stm.atomic(() -> {
            a.set(2);
            b.commute(v -> {
                throw new RuntimeException("bad function");
            });
        }));
        assertEquals("bad function", e.getMessage());
        assertEquals(1, a.get());
        assertEquals(1, b.get());
    }

    @Test
    void commutesMadeBeforeBecomingInevitableAreApplied() {
        LongRef r = LongRef.of(1);
        Stm.atomic(() -> {
            r.commute(v -> v + 1);
            Stm.becomeInevitable();
            r.commute(v -> v * 10);
        });
        assertEquals(20, r.get());
    }

    @Test
    void outsideATransactionACommuteIsAnAtomicUpdate() throws Exception {
        LongRef r = LongRef.of(0);
        Ref<List<Integer>> list = Ref.of(List.of());
        new Workers().start(2, w -> {
            for (int i = 0; i < 5_000; i++) {
                r.commute(v -> v + 1);
                int item = w * 10_000 + i;
                list.commute(l -> {
                    List<Integer> copy = new ArrayList<>(l.size() + 1);
                    copy.addAll(l);
                    copy.add(item);
                    return copy;
                });
            }
        }).join(Duration.ofSeconds(60));
        assertEquals(10_000, r.get());
        assertEquals(10_000, list.get().size());
    }

    @Test
    void commuteRejectsANullFunction() {
        assertThrows(NullPointerException.class, () -> LongRef.of(0).commute(null));
        assertThrows(NullPointerException.class, () -> Ref.of(0).commute(null));
    }
}
