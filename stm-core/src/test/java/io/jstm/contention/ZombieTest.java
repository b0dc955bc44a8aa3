package io.jstm.contention;

import io.jstm.Ref;
import io.jstm.Stm;
import io.jstm.StmStatistics;
import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * No zombie loops: with opacity, no attempt -- not even one that is about to abort --
 * sees a mix of two committed states, so code written for consistent data cannot
 * loop forever, dereference null or mis-cast inside a transaction.
 *
 * <p>The structure is built so that an inconsistent view <em>does</em> hurt:
 * <ul>
 *   <li>a binary search tree of {@link Ref}-linked nodes, with a shared {@link #NIL}
 *       sentinel for empty subtrees, so a consistent walk never meets {@code null};</li>
 *   <li>writers rotate it left and right at random nodes (each rotation writes the
 *       rotated child's pointer back to its old parent first, so that a reader mixing the
 *       states before and after sees the cycle {@code p -> l -> p}), and insert and remove
 *       keys of a known universe;</li>
 *   <li>a removed node is "recycled" in the same transaction: its left pointer becomes
 *       {@code null} (a zombie walking left meets a {@link NullPointerException}), its right
 *       pointer a non-node marker (a {@link ClassCastException}) and its key and value a
 *       number outside the universe (a zombie lookup returns a phantom key).</li>
 * </ul>
 * Every walk, readers' and writers' alike, checks itself from inside the attempt and
 * records the first sign of an inconsistent view: more steps than the tree can have nodes
 * (it would loop forever), a node whose key is outside the interval its path allows (the
 * cycle above), a recycled node, a NullPointerException or ClassCastException, a result
 * that no committed state could give. Aborted attempts count too. The test asserts that
 * none was ever recorded.
 */
class ZombieTest {
    /** Keys 0 .. UNIVERSE-1. A tree holds at most UNIVERSE nodes, so a consistent path is at most that long. */
    private static final int UNIVERSE = 64;
    /** Keys with {@code k % 4 == 3} are inserted first and never removed (so 63, the largest, always is there). */
    private static final int PERMANENT_EVERY = 4;

    /** The right pointer of a recycled node: not a Node, so a walker's cast fails. */
    private static final Object RECYCLED = new Object() {
        @Override
        public String toString() {
            return "RECYCLED";
        }
    };

    private enum Event {
        LOOP("walked more steps than the tree can have nodes (would loop forever)"),
        OUT_OF_ORDER("met a node whose key is outside the interval of its path (a cycle or a torn rotation)"),
        RECYCLED_NODE("reached a node that was already unlinked and recycled"),
        NULL_POINTER("NullPointerException inside the transaction"),
        CLASS_CAST("ClassCastException inside the transaction"),
        PHANTOM_KEY("returned a key that was never in the tree"),
        WRONG_RESULT("returned a result no committed state gives (a permanent key missing, a wrong ceiling)");

        final String meaning;

        Event(String meaning) {
            this.meaning = meaning;
        }
    }

    /** A tree node: a set of keys, each mapped to itself. Every field is shared through a ref. */
    private static final class Node {
        /** The key; set to {@code -1 - key} when the node is recycled. */
        final Ref<Integer> key;
        /** The value stored under the key (the key itself); set to {@code -1 - key} when the node is recycled. */
        final Ref<Integer> value;
        /** A Node (or {@link #NIL}); {@code null} once recycled. Object-typed so that walkers must cast. */
        final Ref<Object> left;
        /** A Node (or {@link #NIL}); {@link #RECYCLED} once recycled. */
        final Ref<Object> right;

        Node(int key, Object left, Object right) {
            this.key = Ref.of(key);
            this.value = Ref.of(key);
            this.left = Ref.of(left);
            this.right = Ref.of(right);
        }
    }

    /** The empty subtree. Walkers stop on it by identity; its fields are never read. */
    private static final Node NIL = new Node(Integer.MIN_VALUE, null, null);

    /** What went wrong, counted per kind, plus the first description of each. */
    private final AtomicLongArray events = new AtomicLongArray(Event.values().length);
    private final AtomicReferenceArray<String> firstSeen = new AtomicReferenceArray<>(Event.values().length);
    /** Attempts of walking transactions, and of those, how many were re-runs. */
    private final AtomicLong attempts = new AtomicLong(), reruns = new AtomicLong();

    private final Ref<Object> root = Ref.named("root", NIL);

    /** Thrown from inside an attempt to stop a walk that has gone wrong (after recording why). */
    private static final class WalkAbandoned extends RuntimeException {
        WalkAbandoned(String why) {
            super(why, null, false, false);
        }
    }

    @Test
    void lookupsNeverSeeATornTreeWhileOtherThreadsRotateInsertAndRemove() throws Exception {
        SplittableRandom setup = new SplittableRandom(12);
        List<Integer> initial = new ArrayList<>();
        for (int k = 0; k < UNIVERSE; k++) {
            if (k % PERMANENT_EVERY == PERMANENT_EVERY - 1 || setup.nextBoolean()) {
                initial.add(k);
            }
        }
        Collections.shuffle(initial, new Random(34));
        for (int k : initial) {
            Stm.atomic(() -> insert(k));
        }

        int readers = 2, writers = 2, lookupsPerReader = 150_000;
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong lookups = new AtomicLong(), rotations = new AtomicLong(), inserts = new AtomicLong(),
                removals = new AtomicLong();
        Stm.resetStatistics();
        long start = System.nanoTime();
        Workers writing = new Workers(ContentionWorkers.LIMIT).start("rotator", writers, w -> {
            SplittableRandom rnd = new SplittableRandom(100 + w);
            for (int i = 0; i < 10_000_000 && !done.get(); i++) {
                int k = rnd.nextInt(UNIVERSE);
                int op = rnd.nextInt(10);
                if (op < 6) {
                    boolean toTheRight = rnd.nextBoolean();
                    if (counted(() -> rotateAt(k, toTheRight))) {
                        rotations.incrementAndGet();
                    }
                } else if (op < 8) {
                    if (counted(() -> insert(k))) {
                        inserts.incrementAndGet();
                    }
                } else if (!isPermanent(k) && counted(() -> remove(k))) {
                    removals.incrementAndGet();
                }
            }
        });
        try {
            new Workers(ContentionWorkers.LIMIT).start("lookup", readers, w -> {
                SplittableRandom rnd = new SplittableRandom(200 + w);
                for (int i = 0; i < lookupsPerReader; i++) {
                    int k = rnd.nextInt(UNIVERSE);
                    // The results are checked inside the attempt: a zombie's wrong answer counts too.
                    if (i % 3 == 0) {
                        int permanent = k | (PERMANENT_EVERY - 1);
                        counted(() -> {
                            boolean found = contains(permanent);
                            if (!found) {
                                record(Event.WRONG_RESULT, "contains(" + permanent + ") was false for a permanent key");
                            }
                            return found;
                        });
                    } else if (i % 3 == 1) {
                        counted(() -> checkCeiling(k, ceiling(k)));
                    } else {
                        counted(() -> checkGet(k, get(k)));
                    }
                    lookups.incrementAndGet();
                }
            }).join();
        } finally {
            done.set(true);
            writing.join();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        StmStatistics stats = Stm.statistics();
        int height = Stm.atomic(this::checkTree);

        StringBuilder report = new StringBuilder();
        for (Event e : Event.values()) {
            report.append(String.format("%n    %-13s %d%s", e, events.get(e.ordinal()),
                    events.get(e.ordinal()) == 0 ? "" : "  first: " + firstSeen.get(e.ordinal())));
        }
        System.out.printf("[zombie] %d lookups on %d threads against %d rotations, %d inserts, %d removals on %d "
                        + "threads in %d ms; %d walking attempts, %d of them re-runs; final height %d; %s; events:%s%n",
                lookups.get(), readers, rotations.get(), inserts.get(), removals.get(), writers, millis,
                attempts.get(), reruns.get(), height, stats, report);
        for (Event e : Event.values()) {
            assertEquals(0, events.get(e.ordinal()), e + ": a transaction " + e.meaning + "; first: "
                    + firstSeen.get(e.ordinal()) + report);
        }
        assertTrue(rotations.get() > 0 && removals.get() > 0 && inserts.get() > 0,
                "the writers changed the tree's shape while the lookups ran");
    }

    // ------------------------------------------------------------ the tree

    private static boolean isPermanent(int k) {
        return k % PERMANENT_EVERY == PERMANENT_EVERY - 1;
    }

    /**
     * Walks from the root towards {@code k}, checking every step; returns the ref that
     * points at the node holding {@code k}, or at the NIL where it would be. When
     * {@code ceiling} is given, {@code ceiling[0]} is set to the smallest key met on the
     * way that is larger than {@code k} (the ceiling candidate), or -1.
     */
    private Ref<Object> walk(int k, int[] ceiling) {
        Ref<Object> link = root;
        int lo = Integer.MIN_VALUE, hi = Integer.MAX_VALUE; // keys allowed below this point: (lo, hi)
        if (ceiling != null) {
            ceiling[0] = -1;
        }
        boolean outOfOrderSeen = false;
        for (int steps = 0; ; steps++) {
            Node n = (Node) link.get(); // ClassCastException if a recycled node's right pointer is followed
            if (n == NIL) {
                return link;
            }
            if (steps >= UNIVERSE) {
                throw abandon(Event.LOOP, "walk towards " + k + " took " + steps + " steps");
            }
            int nk = n.key.get(); // NullPointerException if a recycled node's left pointer was followed
            if (nk < 0) {
                // Keep walking, as code that does not expect recycled nodes would: next is its RECYCLED right pointer.
                record(Event.RECYCLED_NODE, "walk towards " + k + " reached recycled node " + (-1 - nk));
            }
            if ((nk <= lo || nk >= hi) && !outOfOrderSeen) {
                outOfOrderSeen = true; // keep walking: a cycle then shows up as a LOOP too
                record(Event.OUT_OF_ORDER, "walk towards " + k + " met key " + nk + " below (" + lo + ", " + hi + ")");
            }
            if (k == nk) {
                if (ceiling != null) {
                    ceiling[0] = nk;
                }
                return link;
            }
            if (k < nk) {
                if (ceiling != null) {
                    ceiling[0] = nk;
                }
                hi = nk;
                link = n.left;
            } else {
                lo = nk;
                link = n.right;
            }
        }
    }

    private boolean contains(int k) {
        return walk(k, null).get() != NIL;
    }

    /** The value stored under {@code k}, or null. */
    private Integer get(int k) {
        Node n = (Node) walk(k, null).get();
        return n == NIL ? null : n.value.get();
    }

    /** The smallest key {@code >= k}, or -1 if there is none (never, as 63 is permanent). */
    private int ceiling(int k) {
        int[] c = new int[1];
        walk(k, c);
        return c[0];
    }

    /** Inserts {@code k} if absent; true if it did. */
    private boolean insert(int k) {
        Ref<Object> link = walk(k, null);
        if (link.get() != NIL) {
            return false;
        }
        link.set(new Node(k, NIL, NIL));
        return true;
    }

    /** Removes {@code k} if present, recycling its node; true if it did. */
    private boolean remove(int k) {
        Ref<Object> link = walk(k, null);
        Node x = (Node) link.get();
        if (x == NIL) {
            return false;
        }
        Node l = (Node) x.left.get(), r = (Node) x.right.get();
        if (l == NIL) {
            link.set(r);
        } else if (r == NIL) {
            link.set(l);
        } else {
            // Replace x by its successor s, the leftmost node of its right subtree.
            Ref<Object> sLink = x.right;
            Node s = r;
            for (Node next; (next = (Node) s.left.get()) != NIL; ) {
                sLink = s.left;
                s = next;
            }
            if (s != r) {
                sLink.set(s.right.get());
                s.right.set(r);
            }
            s.left.set(l);
            link.set(s);
        }
        x.left.set(null);
        x.right.set(RECYCLED);
        x.key.set(-1 - k);
        x.value.set(-1 - k);
        return true;
    }

    /**
     * Rotates the subtree rooted at the node holding {@code k}, if there is one and it has
     * the child to rotate up; true if it did. The first write makes the child point back
     * at its parent: between it and the last one, the two nodes form a cycle. Buffered
     * writes hide that from everyone else; a reader mixing the states before and after
     * this commit would see it all the same.
     */
    private boolean rotateAt(int k, boolean toTheRight) {
        Ref<Object> link = walk(k, null);
        Node p = (Node) link.get();
        if (p == NIL) {
            return false;
        }
        Ref<Object> down = toTheRight ? p.left : p.right; // p's child that moves up
        Node c = (Node) down.get();
        if (c == NIL) {
            return false;
        }
        Ref<Object> across = toTheRight ? c.right : c.left; // c's subtree that moves over to p
        Object moved = across.get();
        across.set(p);     // c -> p while p -> c: the cycle
        down.set(moved);   // p lets go of c
        link.set(c);       // c takes p's place
        return true;
    }

    /** Checks the committed tree: ordered, acyclic, no recycled node, holds every permanent key. Returns the height. */
    private int checkTree() {
        int[] height = new int[1];
        checkSubtree(root.get(), Integer.MIN_VALUE, Integer.MAX_VALUE, 1, height);
        for (int k = PERMANENT_EVERY - 1; k < UNIVERSE; k += PERMANENT_EVERY) {
            assertTrue(contains(k), "permanent key " + k + " is in the final tree");
        }
        return height[0];
    }

    private void checkSubtree(Object o, int lo, int hi, int depth, int[] height) {
        assertTrue(depth <= UNIVERSE + 1, "the final tree is acyclic");
        Node n = (Node) o;
        if (n == NIL) {
            height[0] = Math.max(height[0], depth - 1);
            return;
        }
        int k = n.key.get();
        assertTrue(k > lo && k < hi && k < UNIVERSE, "key " + k + " in (" + lo + ", " + hi + ") in the final tree");
        checkSubtree(n.left.get(), lo, k, depth + 1, height);
        checkSubtree(n.right.get(), k, hi, depth + 1, height);
    }

    // ------------------------------------------------------------ the checks

    /** A ceiling query's result must be a key of the universe in [k, the next permanent key]; true if it is. */
    private boolean checkCeiling(int k, int c) {
        int nextPermanent = k | (PERMANENT_EVERY - 1);
        if (c < -1 || c >= UNIVERSE) {
            record(Event.PHANTOM_KEY, "ceiling(" + k + ") returned " + c);
            return false;
        } else if (c < k || c > nextPermanent) {
            record(Event.WRONG_RESULT, "ceiling(" + k + ") returned " + c + ", not in [" + k + ", "
                    + nextPermanent + "]");
            return false;
        }
        return true;
    }

    /** A get's result must be null or {@code k} itself; true if it is. */
    private boolean checkGet(int k, Integer v) {
        if (v == null || v == k) {
            return true;
        }
        record(v < 0 || v >= UNIVERSE ? Event.PHANTOM_KEY : Event.WRONG_RESULT, "get(" + k + ") returned " + v);
        return false;
    }

    /**
     * Runs {@code body} as a transaction, counting its attempts and recording, from inside
     * the attempt, the exceptions a consistent walk cannot throw.
     */
    private boolean counted(BooleanSupplier body) {
        int[] n = new int[1];
        boolean result = Stm.atomic(() -> {
            n[0]++;
            try {
                return body.getAsBoolean();
            } catch (NullPointerException e) {
                throw rethrowRecorded(Event.NULL_POINTER, e);
            } catch (ClassCastException e) {
                throw rethrowRecorded(Event.CLASS_CAST, e);
            }
        });
        tally(n[0]);
        return result;
    }

    private void tally(int n) {
        attempts.addAndGet(n);
        reruns.addAndGet(n - 1);
    }

    private RuntimeException rethrowRecorded(Event e, RuntimeException cause) {
        StackTraceElement[] at = cause.getStackTrace();
        record(e, cause + (at.length > 0 ? " at " + at[0] : ""));
        throw cause;
    }

    private WalkAbandoned abandon(Event e, String what) {
        record(e, what);
        return new WalkAbandoned(e + ": " + what);
    }

    private void record(Event e, String what) {
        events.incrementAndGet(e.ordinal());
        firstSeen.compareAndSet(e.ordinal(), null, what + " [" + Thread.currentThread().getName() + "]");
    }
}
