package io.jstm;

import io.jstm.testing.OtherThread;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class AtomicBlockTest {

    static final class Boom extends RuntimeException {
        Boom(String m) {
            super(m);
        }
    }

    @Test
    void exceptionRollsBackEveryWriteAndIsRethrownUnchanged() {
        Ref<Integer> a = Ref.of(1);
        LongRef b = LongRef.of(1);
        Boom boom = new Boom("user failure");
        Boom thrown = assertThrows(Boom.class, () -> Stm.atomic(() -> {
            a.set(2);
            b.set(2);
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals(1, a.get());
        assertEquals(1, b.get());
        assertFalse(Stm.inTransaction());
    }

    @Test
    void checkedExceptionsThrownSneakilyPassThroughUnchanged() {
        IOException io = new IOException("disk");
        Throwable t = assertThrows(IOException.class, () -> Stm.atomic(() -> sneaky(io)));
        assertSame(io, t);
    }

    @Test
    void errorsAlsoRollBack() {
        Ref<Integer> a = Ref.of(1);
        assertThrows(StackOverflowError.class, () -> Stm.atomic(() -> {
            a.set(5);
            throw new StackOverflowError("test");
        }));
        assertEquals(1, a.get());
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneaky(Throwable t) throws E {
        throw (E) t;
    }

    @Test
    void nestedAtomicJoinsTheOuterTransaction() {
        Ref<Integer> a = Ref.of(0);
        int seenInside = Stm.atomic(() -> {
            a.set(1);
            Stm.atomic(() -> a.set(a.get() + 1));
            return a.get();
        });
        assertEquals(2, seenInside);
        assertEquals(2, a.get());
    }

    @Test
    void nestedWritesCommitOnlyWithTheOuterTransaction() {
        Ref<Integer> a = Ref.of(0);
        assertThrows(Boom.class, () -> Stm.atomic(() -> {
            Stm.atomic(() -> a.set(7));
            assertEquals(7, a.get());
            throw new Boom("outer fails");
        }));
        assertEquals(0, a.get());
    }

    @Test
    void exceptionFromANestedBlockUndoesOnlyItsOwnWrites() {
        Ref<Integer> a = Ref.of(0);
        Ref<Integer> b = Ref.of(0);
        Stm.atomic(() -> {
            a.set(1);
            b.set(1);
            try {
                Stm.atomic(() -> {
                    a.set(2);           // overwrite of an outer write: must be undone
                    Ref<Integer> c = b;
                    c.set(c.get() + 10);
                    throw new Boom("inner");
                });
            } catch (Boom expected) {
                assertEquals(1, a.get());
                assertEquals(1, b.get());
            }
            a.set(a.get() + 100);
        });
        assertEquals(101, a.get());
        assertEquals(1, b.get());
    }

    @Test
    void afterCommitRunsOnceAfterCommitOnTheCallingThread() {
        Ref<Integer> a = Ref.of(0);
        List<String> log = new ArrayList<>();
        Thread me = Thread.currentThread();
        Stm.atomic(() -> {
            a.set(1);
            Stm.afterCommit(() -> {
                assertSame(me, Thread.currentThread());
                assertFalse(Stm.inTransaction());
                log.add("commit saw " + a.get());
            });
            Stm.afterRollback(() -> log.add("rollback"));
        });
        assertEquals(List.of("commit saw 1"), log);
    }

    @Test
    void afterRollbackRunsWhenTheBlockThrowsAndAfterCommitDoesNot() {
        List<String> log = new ArrayList<>();
        assertThrows(Boom.class, () -> Stm.atomic(() -> {
            Stm.afterCommit(() -> log.add("commit"));
            Stm.afterRollback(() -> log.add("rollback"));
            throw new Boom("x");
        }));
        assertEquals(List.of("rollback"), log);
    }

    @Test
    void hooksRegisteredByARolledBackNestedBlockAreDiscarded() {
        List<String> log = new ArrayList<>();
        Stm.atomic(() -> {
            try {
                Stm.atomic(() -> {
                    Stm.afterCommit(() -> log.add("inner commit"));
                    throw new Boom("inner");
                });
            } catch (Boom ignored) {
                // handled
            }
            Stm.afterCommit(() -> log.add("outer commit"));
        });
        assertEquals(List.of("outer commit"), log);
    }

    @Test
    void afterRollbackHooksOfAnUndoneNestedBlockOrOrElseBranchRunOnce() {
        List<String> log = new ArrayList<>();
        LongRef gate = LongRef.of(0);
        Stm.atomic(() -> {
            try {
                Stm.atomic(() -> {
                    Stm.afterRollback(() -> log.add("nested undone"));
                    throw new Boom("inner");
                });
            } catch (Boom ignored) {
                // handled
            }
            Stm.orElse(() -> {
                Stm.afterRollback(() -> log.add("branch undone"));
                if (gate.get() == 0) {
                    Stm.retry();
                }
                return 0;
            }, () -> 1);
        });
        assertEquals(List.of("nested undone", "branch undone"), log);
    }

    @Test
    void afterCommitFailureIsRethrownButTheCommitStands() {
        Ref<Integer> a = Ref.of(0);
        List<String> log = new ArrayList<>();
        Boom e = assertThrows(Boom.class, () -> Stm.atomic(() -> {
            a.set(1);
            Stm.afterCommit(() -> {
                throw new Boom("hook");
            });
            Stm.afterCommit(() -> log.add("second hook ran"));
        }));
        assertEquals("hook", e.getMessage());
        assertEquals(1, a.get());
        assertEquals(List.of("second hook ran"), log);
    }

    @Test
    void transactionControlOutsideATransactionIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, Stm::retry);
        assertTrue(e.getMessage().contains("Stm.atomic"), e.getMessage());
        assertThrows(IllegalStateException.class, Stm::becomeInevitable);
        assertThrows(IllegalStateException.class, () -> Stm.afterCommit(() -> { }));
        assertThrows(IllegalStateException.class, () -> Stm.afterRollback(() -> { }));
        assertThrows(NullPointerException.class, () -> Stm.atomic((Runnable) null));
    }

    @Test
    void inTransactionTellsWhetherABlockIsRunning() {
        assertFalse(Stm.inTransaction());
        assertTrue(Stm.atomic(Stm::inTransaction));
        assertFalse(Stm.inTransaction());
    }

    @Test
    void atomicReturnsTheBlocksResult() {
        Ref<String> r = Ref.of("v");
        assertEquals("v!", Stm.atomic(() -> r.get() + "!"));
    }

    @Test
    void aHookMayRunItsOwnTransaction() {
        Ref<Integer> a = Ref.of(0);
        Stm.atomic(() -> {
            a.set(1);
            Stm.afterCommit(() -> Stm.atomic(() -> {
                a.set(a.get() + 1);
                Stm.afterCommit(() -> a.set(a.get() * 10));
            }));
        });
        assertEquals(20, a.get());
    }

    @Test
    void anOrElseSecondBranchThatThrowsUndoesItsWritesAndHooks() {
        Ref<Integer> r = Ref.of(0);
        List<String> log = new ArrayList<>();
        Stm.atomic(() -> {
            try {
                Stm.orElse(() -> {
                    Stm.retry();
                    return null;
                }, () -> {
                    r.set(1);
                    Stm.afterCommit(() -> log.add("commit hook"));
                    Stm.afterRollback(() -> log.add("rollback hook"));
                    throw new IllegalStateException("second branch");
                });
            } catch (IllegalStateException e) {
                log.add("caught");
            }
        });
        assertEquals(0, r.get(), "the second branch's write is undone");
        assertEquals(List.of("rollback hook", "caught"), log);
    }

    @Test
    void aFailingRollbackHookDoesNotStopTheBlockFromReRunningAndIsReportedAtTheEnd() {
        LongRef counter = LongRef.of(0);
        AtomicInteger attempts = new AtomicInteger();
        RuntimeException e = assertThrows(RuntimeException.class, () -> Stm.atomic(() -> {
            Stm.afterRollback(() -> {
                throw new RuntimeException("metrics down");
            });
            long v = counter.get();
            if (attempts.incrementAndGet() == 1) {
                OtherThread.run("conflicting-writer", counter::incrementAndGet);
            }
            counter.set(v + 10);
        }));
        assertEquals("metrics down", e.getMessage());
        assertEquals(2, attempts.get(), "re-run after the conflict");
        assertEquals(11, counter.get(), "the re-run committed");
    }

    @Test
    void aFailingRollbackHookOfARetriedFirstBranchStillRunsTheSecond() {
        LongRef r = LongRef.of(0);
        RuntimeException e = assertThrows(RuntimeException.class, () -> Stm.atomic(() -> Stm.orElse(() -> {
            Stm.afterRollback(() -> {
                throw new RuntimeException("hook");
            });
            Stm.retry();
            return null;
        }, () -> {
            r.set(2);
            return null;
        })));
        assertEquals("hook", e.getMessage());
        assertEquals(2, r.get(), "the second branch ran and committed");
    }

    @Test
    void aHookThatThrowsTheBlocksOwnExceptionLeavesItAsItIs() {
        RuntimeException same = new RuntimeException("cancelled");
        RuntimeException e = assertThrows(RuntimeException.class, () -> Stm.atomic(() -> {
            Stm.afterRollback(() -> {
                throw same;
            });
            throw same;
        }));
        assertSame(same, e);
        LongRef a = LongRef.of(0), b = LongRef.of(0);
        Stm.atomic(() -> {
            a.set(1);
            try {
                Stm.atomic(() -> {
                    b.set(1);
                    try {
                        Stm.atomic(() -> {
                            Stm.afterRollback(() -> {
                                throw same;
                            });
                            Stm.afterRollback(() -> {
                                throw same;
                            });
                            throw new IllegalArgumentException("inner");
                        });
                    } catch (IllegalArgumentException inner) {
                        assertEquals("inner", inner.getMessage());
                    }
                    throw new IllegalStateException("middle");
                });
            } catch (IllegalStateException middle) {
                assertEquals("middle", middle.getMessage());
            }
        });
        assertEquals(1, a.get());
        assertEquals(0, b.get(), "the middle block's write is undone");
    }

    /**
     * In a transaction: registers an afterRollback hook that throws {@code hookMessage},
     * then loses a conflict on {@code counter} (another thread commits it between this
     * attempt's read and its write), so the attempt is rolled back and the hook fails.
     */
    private static void loseWithAFailingRollbackHook(LongRef counter, String hookMessage) {
        Stm.afterRollback(() -> {
            throw new RuntimeException(hookMessage);
        });
        long v = counter.get();
        OtherThread.run("conflicting-writer", counter::incrementAndGet);
        counter.set(v + 1);
    }

    /** A failure kept from an earlier attempt belongs to the call, not to a hook's own atomic call. */
    @Test
    void aRollbackHooksOwnAtomicCallDoesNotTakeTheCallsPendingHookFailure() {
        LongRef counter = LongRef.of(0), log = LongRef.of(0);
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<Throwable> hookCallFailure = new AtomicReference<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Stm.atomic(() -> {
            if (attempts.incrementAndGet() == 1) {
                loseWithAFailingRollbackHook(counter, "first attempt's hook");
                return;
            }
            Stm.afterRollback(() -> {
                try {
                    Stm.atomic(() -> log.set(1));
                } catch (Throwable t) {
                    hookCallFailure.set(t);
                }
            });
            throw new IllegalStateException("second attempt");
        }));
        assertNull(hookCallFailure.get(), "the hook's own call committed cleanly");
        assertEquals(1, log.get());
        assertEquals(1, e.getSuppressed().length);
        assertEquals("first attempt's hook", e.getSuppressed()[0].getMessage());
    }

    static final class Unsuppressible extends RuntimeException {
        Unsuppressible() {
            super("cannot carry suppressed exceptions", null, false, false);
        }
    }

    /** A call that ends with an exception unable to carry it leaves the failure to the thread's next call. */
    @Test
    void aPendingHookFailureIsNotLostOnAnExceptionThatCannotCarryIt() {
        LongRef counter = LongRef.of(0);
        AtomicInteger attempts = new AtomicInteger();
        assertThrows(Unsuppressible.class, () -> Stm.atomic(() -> {
            if (attempts.incrementAndGet() == 1) {
                loseWithAFailingRollbackHook(counter, "hook");
                return;
            }
            throw new Unsuppressible();
        }));
        RuntimeException next = assertThrows(RuntimeException.class, () -> Stm.atomic(() -> counter.set(10)));
        assertEquals("hook", next.getMessage());
        assertEquals(10, counter.get(), "the next call committed");
        Stm.atomic(() -> counter.set(11)); // and nothing is left for the one after
        assertEquals(11, counter.get());
    }

    /** A transaction that grew a huge undo log (overwrites inside nested blocks) does not leave it to the thread. */
    @Test
    void aHugeUndoLogIsNotKeptAfterItsTransaction() {
        LongRef x = LongRef.of(0);
        Stm.atomic(() -> {
            x.set(1);
            Stm.atomic(() -> {
                for (int i = 0; i < 20_000; i++) {
                    Stm.atomic(() -> x.set(x.get() + 1)); // each nested block logs x's value for its undo
                }
            });
            assertTrue(io.jstm.internal.Probes.undoLogCapacity() >= 20_000, "the log grew inside");
        });
        assertEquals(20_001, x.get());
        assertTrue(io.jstm.internal.Probes.undoLogCapacity() <= 4096,
                "capacity kept: " + io.jstm.internal.Probes.undoLogCapacity());
    }

    /** Overwrites of one ref inside a nested block keep one undo entry, and rollbacks still restore at every level. */
    @Test
    void repeatedOverwritesInANestedBlockAreLoggedOnceAndStillRolledBackRight() {
        LongRef x = LongRef.of(0);
        Stm.atomic(() -> {
            x.set(1);
            Stm.atomic(() -> {
                for (int i = 0; i < 100_000; i++) {
                    x.set(x.get() + 1);
                }
                assertTrue(io.jstm.internal.Probes.undoLogCapacity() <= 8,
                        "undo log capacity " + io.jstm.internal.Probes.undoLogCapacity());
            });
            assertEquals(100_001, x.get());
            // Three levels: the middle block's write, the inner block's two, the middle's after the inner closed.
            try {
                Stm.atomic(() -> {
                    x.set(2);
                    Stm.atomic(() -> {
                        x.set(3);
                        x.set(4);
                    });
                    assertEquals(4, x.get());
                    try {
                        Stm.atomic(() -> {
                            x.set(5);
                            x.set(6);
                            throw new IllegalStateException("inner");
                        });
                    } catch (IllegalStateException inner) {
                        assertEquals(4, x.get(), "the inner block undone");
                    }
                    x.set(7);
                    throw new IllegalArgumentException("middle");
                });
            } catch (IllegalArgumentException middle) {
                assertEquals(100_001, x.get(), "the middle block undone, inner parts included");
            }
        });
        assertEquals(100_001, x.get());
    }

    /** A rollback hook of an undone block that writes (inside the enclosing transaction) is itself undone with it. */
    @Test
    void aWriteByTheRollbackHookOfAnUndoneBlockIsUndoneByTheEnclosingBlock() {
        LongRef x = LongRef.of(0);
        Stm.atomic(() -> {
            x.set(1);
            try {
                Stm.atomic(() -> {
                    try {
                        Stm.atomic(() -> {
                            Stm.afterRollback(() -> x.set(3));
                            x.set(2);
                            throw new IllegalStateException("inner");
                        });
                    } catch (IllegalStateException inner) {
                        assertEquals(3, x.get(), "the hook ran after the inner block was undone");
                    }
                    throw new IllegalArgumentException("middle");
                });
            } catch (IllegalArgumentException middle) {
                assertEquals(1, x.get(), "the middle block undone, the hook's write included");
            }
        });
        assertEquals(1, x.get());
    }
}
