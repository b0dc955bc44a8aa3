package io.jstm.bench;

import clojure.lang.Ref;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.multiverse.api.Txn;
import org.multiverse.api.references.TxnRef;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import scala.concurrent.stm.japi.STM;

/**
 * Workload 4: a sorted linked-list set of ints (the classic STM "intset"),
 * keys 0..255, starting with 128 of them. Operations: 90% lookups, 5% adds,
 * 5% removes of a random key, each its own transaction; the size hovers
 * around 128, so a lookup walks about 64 nodes. Score: operations per
 * microsecond, all threads together.
 *
 * <p>The list algorithm is written once ({@link ListSet}); each STM supplies
 * only its node (an immutable key and a transactional {@code next}) and its
 * atomic block. globalLock and plain run the same algorithm on plain nodes;
 * fineLocks is hand-over-hand locking (lock coupling, in list order).
 *
 * <p>Aborts are counted as in {@link BankBench}: {@code aborts} for updates,
 * {@code readOnlyAborts} for lookups. Check: after every iteration the list is
 * strictly ascending between its sentinels, every key is in range, and its
 * size is 128 plus the successful adds minus the successful removes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class IntSetBench {
    static final int KEY_RANGE = 256;
    static final int INITIAL_SIZE = KEY_RANGE / 2;
    static final int LOOKUP_PERCENT = 90;

    @Param({Impls.JSTM, Impls.SCALA_STM, Impls.MULTIVERSE, Impls.CLOJURE,
            Impls.GLOBAL_LOCK, Impls.FINE_LOCKS, Impls.PLAIN})
    public String impl;

    private ListSet<?> set;
    final Queue<Worker> workers = new ConcurrentLinkedQueue<>();

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        init(params.getThreads());
    }

    /** Builds the shared data for {@code impl}, to be used by {@code threads} threads. */
    void init(int threads) {
        Impls.requireOneThreadForPlain(impl, threads);
        set = switch (impl) {
            case Impls.JSTM -> new JstmSet();
            case Impls.SCALA_STM -> new ScalaSet();
            case Impls.MULTIVERSE -> new MultiverseSet();
            case Impls.CLOJURE -> new ClojureSet();
            case Impls.GLOBAL_LOCK -> new LockedSet(Impls.GIL);
            case Impls.FINE_LOCKS -> new HandOverHandSet();
            case Impls.PLAIN -> new LockedSet(null);
            default -> throw Impls.unknown(impl);
        };
        set.fill(initialKeys());
    }

    /** 128 distinct keys out of 0..255, the same for every implementation, ascending. */
    static int[] initialKeys() {
        int[] all = new int[KEY_RANGE];
        for (int i = 0; i < KEY_RANGE; i++) {
            all[i] = i;
        }
        Rng rng = new Rng(42);
        for (int i = 0; i < INITIAL_SIZE; i++) {
            int j = i + rng.nextInt(KEY_RANGE - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] keys = java.util.Arrays.copyOf(all, INITIAL_SIZE);
        java.util.Arrays.sort(keys);
        return keys;
    }

    @Setup(Level.Iteration)
    public void resetStatistics() {
        JstmStatistics.reset(impl);
    }

    @TearDown(Level.Iteration)
    public void checkSet() {
        JstmStatistics.print(impl);
        long expected = INITIAL_SIZE;
        for (Worker w : workers) {
            expected += w.added - w.removed;
        }
        int size = set.checkedSize(impl);
        if (size != expected) {
            throw new IllegalStateException(impl + ": the set holds " + size + " keys, but " + expected
                    + " follow from the successful adds and removes");
        }
    }

    @Benchmark
    @Threads(1)
    public boolean t1(Worker w) {
        return step(w);
    }

    @Benchmark
    @Threads(2)
    public boolean t2(Worker w) {
        return step(w);
    }

    private boolean step(Worker w) {
        Rng rng = w.rng;
        int dice = rng.nextInt(100);
        int key = rng.nextInt(KEY_RANGE);
        w.attempts = 0;
        if (dice < LOOKUP_PERCENT) {
            boolean found = set.contains(w, key);
            w.readOnlyAborts += w.attempts - 1;
            return found;
        }
        boolean changed;
        if ((dice & 1) == 0) {
            changed = set.add(w, key);
            if (changed) {
                w.added++;
            }
        } else {
            changed = set.remove(w, key);
            if (changed) {
                w.removed++;
            }
        }
        w.aborts += w.attempts - 1;
        return changed;
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Worker {
        /** Re-executed update blocks in this iteration (reported as a rate). */
        public long aborts;
        /** Re-executed lookup blocks in this iteration (reported as a rate). */
        public long readOnlyAborts;

        final Rng rng = new Rng();
        /** Successful adds and removes of this thread over the whole trial. */
        long added;
        long removed;
        /** Incremented by the block each time it runs. Thread-confined. */
        int attempts;

        @Setup(Level.Trial)
        public void register(IntSetBench bench) {
            bench.workers.add(this);
        }

        @Setup(Level.Iteration)
        public void resetCounters() {
            aborts = 0;
            readOnlyAborts = 0;
        }
    }

    /** A list node: an immutable key; the link lives in the subclass. */
    abstract static class ListNode {
        final int key;

        ListNode(int key) {
            this.key = key;
        }
    }

    /**
     * The sorted list with sentinels {@code MIN_VALUE} (head) and
     * {@code MAX_VALUE} (tail), written once for every implementation.
     */
    abstract static class ListSet<N extends ListNode> {
        N head;

        abstract N newNode(int key, N next);

        abstract N next(Object tx, N node);

        abstract void setNext(Object tx, N node, N next);

        abstract <T> T atomic(Atomically.Body<T> body);

        /**
         * Called by remove on the node it unlinks, before unlinking it. A no-op
         * for serializable STMs (every read is validated at commit anyway);
         * see {@link ClojureSet#protectNext}.
         */
        void protectNext(Object tx, N node) {}

        /** Builds the initial list directly (single-threaded, before any measurement). */
        final void fill(int[] ascendingKeys) {
            N node = newNode(Integer.MAX_VALUE, null);
            for (int i = ascendingKeys.length - 1; i >= 0; i--) {
                node = newNode(ascendingKeys[i], node);
            }
            head = newNode(Integer.MIN_VALUE, node);
        }

        boolean contains(Worker w, int key) {
            return atomic(tx -> {
                w.attempts++;
                N cur = next(tx, head);
                while (cur.key < key) {
                    cur = next(tx, cur);
                }
                return cur.key == key;
            });
        }

        boolean add(Worker w, int key) {
            return atomic(tx -> {
                w.attempts++;
                N prev = head;
                N cur = next(tx, prev);
                while (cur.key < key) {
                    prev = cur;
                    cur = next(tx, cur);
                }
                if (cur.key == key) {
                    return false;
                }
                setNext(tx, prev, newNode(key, cur));
                return true;
            });
        }

        boolean remove(Worker w, int key) {
            return atomic(tx -> {
                w.attempts++;
                N prev = head;
                N cur = next(tx, prev);
                while (cur.key < key) {
                    prev = cur;
                    cur = next(tx, cur);
                }
                if (cur.key != key) {
                    return false;
                }
                protectNext(tx, cur);
                setNext(tx, prev, next(tx, cur));
                return true;
            });
        }

        /** Walks the whole list in one transaction, checks its order, returns its size. */
        int checkedSize(String impl) {
            return atomic(tx -> {
                int size = 0;
                int last = Integer.MIN_VALUE;
                for (N cur = next(tx, head); cur.key != Integer.MAX_VALUE; cur = next(tx, cur)) {
                    if (cur.key <= last || cur.key >= KEY_RANGE) {
                        throw new IllegalStateException(impl + ": the list is broken: key " + cur.key
                                + " follows " + last);
                    }
                    last = cur.key;
                    size++;
                }
                return size;
            });
        }
    }

    static final class JstmSet extends ListSet<JstmSet.Node> {
        static final class Node extends ListNode {
            final io.jstm.Ref<Node> next;

            Node(int key, Node next) {
                super(key);
                this.next = io.jstm.Ref.of(next);
            }
        }

        @Override
        Node newNode(int key, Node next) {
            return new Node(key, next);
        }

        @Override
        Node next(Object tx, Node node) {
            return node.next.get();
        }

        @Override
        void setNext(Object tx, Node node, Node next) {
            node.next.set(next);
        }

        @Override
        <T> T atomic(Atomically.Body<T> body) {
            return Atomically.jstm(body);
        }
    }

    static final class ScalaSet extends ListSet<ScalaSet.Node> {
        static final class Node extends ListNode {
            final scala.concurrent.stm.Ref.View<Node> next;

            Node(int key, Node next) {
                super(key);
                this.next = STM.newRef(next);
            }
        }

        @Override
        Node newNode(int key, Node next) {
            return new Node(key, next);
        }

        @Override
        Node next(Object tx, Node node) {
            return node.next.get();
        }

        @Override
        void setNext(Object tx, Node node, Node next) {
            node.next.set(next);
        }

        @Override
        <T> T atomic(Atomically.Body<T> body) {
            return Atomically.scalaStm(body);
        }
    }

    /**
     * Runs at {@code IsolationLevel.Serializable}: at Multiverse's default,
     * snapshot isolation, the list loses updates as described at
     * {@link ClojureSet}, and the cure used there (writing the removed node's
     * link to its own value) does not work, since Multiverse drops writes that
     * do not change the value (its dirty check).
     */
    static final class MultiverseSet extends ListSet<MultiverseSet.Node> {
        static final class Node extends ListNode {
            final TxnRef<Node> next;

            Node(int key, Node next) {
                super(key);
                this.next = MultiverseRefs.newTxnRef(next);
            }
        }

        @Override
        Node newNode(int key, Node next) {
            return new Node(key, next);
        }

        @Override
        Node next(Object tx, Node node) {
            return node.next.get((Txn) tx);
        }

        @Override
        void setNext(Object tx, Node node, Node next) {
            node.next.set((Txn) tx, next);
        }

        @Override
        <T> T atomic(Atomically.Body<T> body) {
            return Atomically.multiverseSerializable(body);
        }
    }

    /**
     * Clojure refs give snapshot isolation, not serializability: a transaction
     * only conflicts with commits to refs it writes. Two removes of
     * neighbouring nodes P and C write P's predecessor's {@code next} and P's
     * {@code next}: different refs, so both commit and C stays linked (write
     * skew; the size check caught it within a second). {@code ensure} on C's
     * {@code next} is not enough either, since it only holds while the
     * ensuring transaction runs. The standard cure under snapshot isolation
     * is to materialise the conflict: remove also writes the removed node's
     * {@code next} (to its own value), so anything that links through the
     * removed node conflicts with the remove.
     */
    static final class ClojureSet extends ListSet<ClojureSet.Node> {
        static final class Node extends ListNode {
            final Ref next;

            Node(int key, Node next) {
                super(key);
                this.next = new Ref(next);
            }
        }

        @Override
        Node newNode(int key, Node next) {
            return new Node(key, next);
        }

        @Override
        Node next(Object tx, Node node) {
            return (Node) node.next.deref();
        }

        @Override
        void protectNext(Object tx, Node node) {
            node.next.set(node.next.deref());
        }

        @Override
        void setNext(Object tx, Node node, Node next) {
            node.next.set(next);
        }

        @Override
        <T> T atomic(Atomically.Body<T> body) {
            return Atomically.clojure(body);
        }
    }

    /** Plain nodes; the whole operation under one lock (globalLock), or under none (plain). */
    static final class LockedSet extends ListSet<LockedSet.Node> {
        static final class Node extends ListNode {
            Node next;

            Node(int key, Node next) {
                super(key);
                this.next = next;
            }
        }

        private final ReentrantLock lock;

        LockedSet(ReentrantLock lockOrNull) {
            this.lock = lockOrNull;
        }

        @Override
        Node newNode(int key, Node next) {
            return new Node(key, next);
        }

        @Override
        Node next(Object tx, Node node) {
            return node.next;
        }

        @Override
        void setNext(Object tx, Node node, Node next) {
            node.next = next;
        }

        @Override
        <T> T atomic(Atomically.Body<T> body) {
            return lock == null ? body.run(null) : Atomically.locked(lock, body);
        }
    }

    /**
     * Hand-over-hand locking: a thread holds the locks of the two nodes it is
     * between and takes the next one before letting go of the one behind, so
     * locks are always taken in list order and two threads never deadlock.
     * Lookups lock too: without it a reader could follow a removed node.
     */
    static final class HandOverHandSet extends ListSet<HandOverHandSet.Node> {
        static final class Node extends ListNode {
            final ReentrantLock lock = new ReentrantLock();
            /** Read and written only while holding {@link #lock}. */
            Node next;

            Node(int key, Node next) {
                super(key);
                this.next = next;
            }
        }

        @Override
        Node newNode(int key, Node next) {
            return new Node(key, next);
        }

        @Override
        Node next(Object tx, Node node) {
            return node.next;
        }

        @Override
        void setNext(Object tx, Node node, Node next) {
            node.next = next;
        }

        /** Used only by the check, which runs while no benchmark thread does: take every lock. */
        @Override
        <T> T atomic(Atomically.Body<T> body) {
            java.util.List<Node> locked = new java.util.ArrayList<>();
            for (Node n = head; n != null; n = n.next) {
                n.lock.lock();
                locked.add(n);
            }
            try {
                return body.run(null);
            } finally {
                for (Node n : locked) {
                    n.lock.unlock();
                }
            }
        }

        @Override
        boolean contains(Worker w, int key) {
            w.attempts++;
            Node pred = head;
            pred.lock.lock();
            Node cur = pred.next;
            cur.lock.lock();
            try {
                while (cur.key < key) {
                    pred.lock.unlock();
                    pred = cur;
                    cur = cur.next;
                    cur.lock.lock();
                }
                return cur.key == key;
            } finally {
                cur.lock.unlock();
                pred.lock.unlock();
            }
        }

        @Override
        boolean add(Worker w, int key) {
            w.attempts++;
            Node pred = head;
            pred.lock.lock();
            Node cur = pred.next;
            cur.lock.lock();
            try {
                while (cur.key < key) {
                    pred.lock.unlock();
                    pred = cur;
                    cur = cur.next;
                    cur.lock.lock();
                }
                if (cur.key == key) {
                    return false;
                }
                pred.next = new Node(key, cur);
                return true;
            } finally {
                cur.lock.unlock();
                pred.lock.unlock();
            }
        }

        @Override
        boolean remove(Worker w, int key) {
            w.attempts++;
            Node pred = head;
            pred.lock.lock();
            Node cur = pred.next;
            cur.lock.lock();
            try {
                while (cur.key < key) {
                    pred.lock.unlock();
                    pred = cur;
                    cur = cur.next;
                    cur.lock.lock();
                }
                if (cur.key != key) {
                    return false;
                }
                pred.next = cur.next;
                return true;
            } finally {
                cur.lock.unlock();
                pred.lock.unlock();
            }
        }
    }
}
