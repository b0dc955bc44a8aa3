package io.jstm.bench;

import clojure.lang.Ref;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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
 * Workload 5: a larger read-mostly structure, a red-black tree set of ints:
 * keys 0..65535, starting with 32768 of them (about 30 levels at most, 16
 * on average). Operations: 90% lookups, 5% inserts, 5% deletes of a random
 * key, each its own transaction. Score: operations per microsecond, all
 * threads together.
 *
 * <p>The tree algorithm ({@link RbTree}: textbook insert and delete with
 * recolouring and rotations, {@code null} for the leaves, so no shared
 * sentinel node becomes a hot spot) is written once; each STM supplies its
 * node (immutable key; transactional left, right, parent and colour) and its
 * atomic block. globalLock and plain run it on plain nodes. A rotation can
 * reach up to the root, so there is no practical per-node locking for this
 * tree; the fine-grained baseline here is {@code rwLock}: one
 * {@link ReentrantReadWriteLock}, lookups under its read lock.
 *
 * <p>Aborts are counted as in {@link BankBench}. Check: after every iteration
 * the whole tree is validated (search order, parent links, no red node with a
 * red child, the same number of black nodes on every path, black root) and its
 * size must be 32768 plus the successful inserts minus the successful deletes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RbTreeBench {
    static final String RW_LOCK = "rwLock";
    static final int KEY_RANGE = 1 << 16;
    static final int INITIAL_SIZE = KEY_RANGE / 2;
    static final int LOOKUP_PERCENT = 90;

    @Param({Impls.JSTM, Impls.SCALA_STM, Impls.MULTIVERSE, Impls.CLOJURE,
            Impls.GLOBAL_LOCK, RW_LOCK, Impls.PLAIN})
    public String impl;

    private RbTree<?> tree;
    final Queue<Worker> workers = new ConcurrentLinkedQueue<>();

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        init(params.getThreads());
    }

    /** Builds the shared data for {@code impl}, to be used by {@code threads} threads. */
    void init(int threads) {
        Impls.requireOneThreadForPlain(impl, threads);
        tree = switch (impl) {
            case Impls.JSTM -> new JstmTree();
            case Impls.SCALA_STM -> new ScalaTree();
            case Impls.MULTIVERSE -> new MultiverseTree();
            case Impls.CLOJURE -> new ClojureTree();
            case Impls.GLOBAL_LOCK -> new PlainTree(Impls.GIL, Impls.GIL);
            case RW_LOCK -> {
                ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
                yield new PlainTree(rw.readLock(), rw.writeLock());
            }
            case Impls.PLAIN -> new PlainTree(null, null);
            default -> throw Impls.unknown(impl);
        };
        // The same 32768 keys for every implementation, inserted in a random order.
        int[] keys = new int[KEY_RANGE];
        for (int i = 0; i < KEY_RANGE; i++) {
            keys[i] = i;
        }
        Rng rng = new Rng(42);
        for (int i = 0; i < INITIAL_SIZE; i++) {
            int j = i + rng.nextInt(KEY_RANGE - i);
            int t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
        Worker loader = new Worker();
        for (int i = 0; i < INITIAL_SIZE; i++) {
            if (!tree.insert(loader, keys[i])) {
                throw new IllegalStateException(impl + ": initial key " + keys[i] + " was already present");
            }
        }
        long size = tree.checkedSize(impl);
        if (size != INITIAL_SIZE) {
            throw new IllegalStateException(impl + ": the initial tree holds " + size + " keys, not " + INITIAL_SIZE);
        }
    }

    @Setup(Level.Iteration)
    public void resetStatistics() {
        JstmStatistics.reset(impl);
    }

    @TearDown(Level.Iteration)
    public void checkTree() {
        JstmStatistics.print(impl);
        long expected = INITIAL_SIZE;
        for (Worker w : workers) {
            expected += w.inserted - w.deleted;
        }
        long size = tree.checkedSize(impl);
        if (size != expected) {
            throw new IllegalStateException(impl + ": the tree holds " + size + " keys, but " + expected
                    + " follow from the successful inserts and deletes");
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
            boolean found = tree.contains(w, key);
            w.readOnlyAborts += w.attempts - 1;
            return found;
        }
        boolean changed;
        if ((dice & 1) == 0) {
            changed = tree.insert(w, key);
            if (changed) {
                w.inserted++;
            }
        } else {
            changed = tree.delete(w, key);
            if (changed) {
                w.deleted++;
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
        /** Successful inserts and deletes of this thread over the whole trial. */
        long inserted;
        long deleted;
        /** Incremented by the block each time it runs. Thread-confined. */
        int attempts;

        @Setup(Level.Trial)
        public void register(RbTreeBench bench) {
            bench.workers.add(this);
        }

        @Setup(Level.Iteration)
        public void resetCounters() {
            aborts = 0;
            readOnlyAborts = 0;
        }
    }

    /** A tree node: an immutable key; links and colour live in the subclass. */
    abstract static class TreeNode {
        final int key;

        TreeNode(int key) {
            this.key = key;
        }
    }

    /**
     * A red-black tree set, written once for every implementation against
     * abstract accessors. {@code null} children are the black leaves.
     */
    abstract static class RbTree<N extends TreeNode> {
        /** A new red node with no children. */
        abstract N newNode(int key, N parent);

        abstract N root(Object tx);

        abstract void setRoot(Object tx, N n);

        abstract N left(Object tx, N n);

        abstract void setLeft(Object tx, N n, N child);

        abstract N right(Object tx, N n);

        abstract void setRight(Object tx, N n, N child);

        abstract N parent(Object tx, N n);

        abstract void setParent(Object tx, N n, N parent);

        abstract boolean isRed(Object tx, N n);

        abstract void setRed(Object tx, N n, boolean red);

        abstract <T> T atomic(boolean readOnly, Atomically.Body<T> body);

        final boolean contains(Worker w, int key) {
            return atomic(true, tx -> {
                w.attempts++;
                return find(tx, key) != null;
            });
        }

        final boolean insert(Worker w, int key) {
            return atomic(false, tx -> {
                w.attempts++;
                return insertIn(tx, key);
            });
        }

        final boolean delete(Worker w, int key) {
            return atomic(false, tx -> {
                w.attempts++;
                return deleteIn(tx, key);
            });
        }

        private boolean red(Object tx, N n) {
            return n != null && isRed(tx, n);
        }

        private N find(Object tx, int key) {
            N n = root(tx);
            while (n != null && n.key != key) {
                n = key < n.key ? left(tx, n) : right(tx, n);
            }
            return n;
        }

        private boolean insertIn(Object tx, int key) {
            N parent = null;
            N n = root(tx);
            boolean goLeft = false;
            while (n != null) {
                if (key == n.key) {
                    return false;
                }
                parent = n;
                goLeft = key < n.key;
                n = goLeft ? left(tx, n) : right(tx, n);
            }
            N z = newNode(key, parent);
            if (parent == null) {
                setRoot(tx, z);
            } else if (goLeft) {
                setLeft(tx, parent, z);
            } else {
                setRight(tx, parent, z);
            }
            fixAfterInsert(tx, z);
            return true;
        }

        /** Restores "no red node has a red child" upwards from the red node z. */
        private void fixAfterInsert(Object tx, N z) {
            while (true) {
                N p = parent(tx, z);
                if (p == null) {
                    if (isRed(tx, z)) {
                        setRed(tx, z, false); // the root is black
                    }
                    return;
                }
                if (!isRed(tx, p)) {
                    return;
                }
                N g = parent(tx, p); // p is red, so it is not the root
                if (p == left(tx, g)) {
                    N uncle = right(tx, g);
                    if (red(tx, uncle)) {
                        setRed(tx, p, false);
                        setRed(tx, uncle, false);
                        setRed(tx, g, true);
                        z = g;
                        continue;
                    }
                    if (z == right(tx, p)) {
                        z = p;
                        rotateLeft(tx, z);
                        p = parent(tx, z);
                    }
                    setRed(tx, p, false);
                    setRed(tx, g, true);
                    rotateRight(tx, g);
                } else {
                    N uncle = left(tx, g);
                    if (red(tx, uncle)) {
                        setRed(tx, p, false);
                        setRed(tx, uncle, false);
                        setRed(tx, g, true);
                        z = g;
                        continue;
                    }
                    if (z == left(tx, p)) {
                        z = p;
                        rotateRight(tx, z);
                        p = parent(tx, z);
                    }
                    setRed(tx, p, false);
                    setRed(tx, g, true);
                    rotateLeft(tx, g);
                }
                return;
            }
        }

        private boolean deleteIn(Object tx, int key) {
            N z = find(tx, key);
            if (z == null) {
                return false;
            }
            boolean removedBlack;
            N x; // the node that moves into the removed position (may be null)
            N xParent; // its parent afterwards (tracked, since x may be null)
            N zLeft = left(tx, z);
            N zRight = right(tx, z);
            if (zLeft == null || zRight == null) {
                removedBlack = !isRed(tx, z);
                x = zLeft != null ? zLeft : zRight;
                xParent = parent(tx, z);
                transplant(tx, z, x);
            } else {
                // Two children: the successor y (leftmost of the right subtree) takes z's place.
                N y = zRight;
                for (N l = left(tx, y); l != null; l = left(tx, y)) {
                    y = l;
                }
                removedBlack = !isRed(tx, y);
                x = right(tx, y);
                if (parent(tx, y) == z) {
                    xParent = y;
                } else {
                    xParent = parent(tx, y);
                    transplant(tx, y, x);
                    setRight(tx, y, zRight);
                    setParent(tx, zRight, y);
                }
                transplant(tx, z, y);
                setLeft(tx, y, zLeft);
                setParent(tx, zLeft, y);
                boolean zRed = isRed(tx, z);
                if (isRed(tx, y) != zRed) {
                    setRed(tx, y, zRed);
                }
            }
            if (removedBlack) {
                fixAfterDelete(tx, x, xParent);
            }
            return true;
        }

        /** Puts v (maybe null) where u is, as seen from u's parent. */
        private void transplant(Object tx, N u, N v) {
            N up = parent(tx, u);
            if (up == null) {
                setRoot(tx, v);
            } else if (u == left(tx, up)) {
                setLeft(tx, up, v);
            } else {
                setRight(tx, up, v);
            }
            if (v != null) {
                setParent(tx, v, up);
            }
        }

        /** x carries an extra black; push it up or resolve it with the sibling. */
        private void fixAfterDelete(Object tx, N x, N xParent) {
            while (x != root(tx) && !red(tx, x)) {
                if (x == left(tx, xParent)) {
                    N s = right(tx, xParent); // not null: x's side is one black short
                    if (isRed(tx, s)) {
                        setRed(tx, s, false);
                        setRed(tx, xParent, true);
                        rotateLeft(tx, xParent);
                        s = right(tx, xParent);
                    }
                    if (!red(tx, left(tx, s)) && !red(tx, right(tx, s))) {
                        setRed(tx, s, true);
                        x = xParent;
                        xParent = parent(tx, x);
                    } else {
                        if (!red(tx, right(tx, s))) {
                            setRed(tx, left(tx, s), false);
                            setRed(tx, s, true);
                            rotateRight(tx, s);
                            s = right(tx, xParent);
                        }
                        setRed(tx, s, isRed(tx, xParent));
                        setRed(tx, xParent, false);
                        setRed(tx, right(tx, s), false);
                        rotateLeft(tx, xParent);
                        x = root(tx);
                        xParent = null;
                    }
                } else {
                    N s = left(tx, xParent);
                    if (isRed(tx, s)) {
                        setRed(tx, s, false);
                        setRed(tx, xParent, true);
                        rotateRight(tx, xParent);
                        s = left(tx, xParent);
                    }
                    if (!red(tx, right(tx, s)) && !red(tx, left(tx, s))) {
                        setRed(tx, s, true);
                        x = xParent;
                        xParent = parent(tx, x);
                    } else {
                        if (!red(tx, left(tx, s))) {
                            setRed(tx, right(tx, s), false);
                            setRed(tx, s, true);
                            rotateLeft(tx, s);
                            s = left(tx, xParent);
                        }
                        setRed(tx, s, isRed(tx, xParent));
                        setRed(tx, xParent, false);
                        setRed(tx, left(tx, s), false);
                        rotateRight(tx, xParent);
                        x = root(tx);
                        xParent = null;
                    }
                }
            }
            if (x != null && isRed(tx, x)) {
                setRed(tx, x, false);
            }
        }

        private void rotateLeft(Object tx, N x) {
            N y = right(tx, x);
            N yLeft = left(tx, y);
            setRight(tx, x, yLeft);
            if (yLeft != null) {
                setParent(tx, yLeft, x);
            }
            replaceChild(tx, x, y);
            setLeft(tx, y, x);
            setParent(tx, x, y);
        }

        private void rotateRight(Object tx, N x) {
            N y = left(tx, x);
            N yRight = right(tx, y);
            setLeft(tx, x, yRight);
            if (yRight != null) {
                setParent(tx, yRight, x);
            }
            replaceChild(tx, x, y);
            setRight(tx, y, x);
            setParent(tx, x, y);
        }

        /** Hangs y where x hangs now (y is x's child, about to become its parent). */
        private void replaceChild(Object tx, N x, N y) {
            N xp = parent(tx, x);
            setParent(tx, y, xp);
            if (xp == null) {
                setRoot(tx, y);
            } else if (x == left(tx, xp)) {
                setLeft(tx, xp, y);
            } else {
                setRight(tx, xp, y);
            }
        }

        /** Validates the whole tree in one transaction and returns its size. */
        final long checkedSize(String impl) {
            return atomic(true, tx -> {
                N root = root(tx);
                if (root == null) {
                    return 0L;
                }
                if (parent(tx, root) != null || isRed(tx, root)) {
                    throw broken(impl, "the root has a parent or is red");
                }
                long[] size = new long[1];
                blackHeight(tx, impl, root, Integer.MIN_VALUE, Integer.MAX_VALUE, size);
                return size[0];
            });
        }

        /** Checks the subtree at n (keys strictly inside (lo, hi)); returns its black height. */
        private int blackHeight(Object tx, String impl, N n, int lo, int hi, long[] size) {
            if (n == null) {
                return 1;
            }
            size[0]++;
            if (n.key <= lo || n.key >= hi || n.key < 0 || n.key >= KEY_RANGE) {
                throw broken(impl, "key " + n.key + " is out of order or out of range");
            }
            N l = left(tx, n);
            N r = right(tx, n);
            boolean red = isRed(tx, n);
            for (N child : java.util.Arrays.asList(l, r)) {
                if (child != null && parent(tx, child) != n) {
                    throw broken(impl, "the parent link of key " + child.key + " is wrong");
                }
                if (red && red(tx, child)) {
                    throw broken(impl, "red key " + n.key + " has a red child");
                }
            }
            int hl = blackHeight(tx, impl, l, lo, n.key, size);
            int hr = blackHeight(tx, impl, r, n.key, hi, size);
            if (hl != hr) {
                throw broken(impl, "black heights differ below key " + n.key);
            }
            return hl + (red ? 0 : 1);
        }

        private static IllegalStateException broken(String impl, String what) {
            return new IllegalStateException(impl + ": the red-black tree is broken: " + what);
        }
    }

    static final class JstmTree extends RbTree<JstmTree.Node> {
        static final class Node extends TreeNode {
            final io.jstm.Ref<Node> left = io.jstm.Ref.of(null);
            final io.jstm.Ref<Node> right = io.jstm.Ref.of(null);
            final io.jstm.Ref<Node> parent;
            final io.jstm.Ref<Boolean> red = io.jstm.Ref.of(Boolean.TRUE);

            Node(int key, Node parent) {
                super(key);
                this.parent = io.jstm.Ref.of(parent);
            }
        }

        final io.jstm.Ref<Node> root = io.jstm.Ref.of(null);

        @Override
        Node newNode(int key, Node parent) {
            return new Node(key, parent);
        }

        @Override
        Node root(Object tx) {
            return root.get();
        }

        @Override
        void setRoot(Object tx, Node n) {
            root.set(n);
        }

        @Override
        Node left(Object tx, Node n) {
            return n.left.get();
        }

        @Override
        void setLeft(Object tx, Node n, Node child) {
            n.left.set(child);
        }

        @Override
        Node right(Object tx, Node n) {
            return n.right.get();
        }

        @Override
        void setRight(Object tx, Node n, Node child) {
            n.right.set(child);
        }

        @Override
        Node parent(Object tx, Node n) {
            return n.parent.get();
        }

        @Override
        void setParent(Object tx, Node n, Node parent) {
            n.parent.set(parent);
        }

        @Override
        boolean isRed(Object tx, Node n) {
            return n.red.get();
        }

        @Override
        void setRed(Object tx, Node n, boolean red) {
            n.red.set(red);
        }

        @Override
        <T> T atomic(boolean readOnly, Atomically.Body<T> body) {
            return Atomically.jstm(body);
        }
    }

    static final class ScalaTree extends RbTree<ScalaTree.Node> {
        static final class Node extends TreeNode {
            final scala.concurrent.stm.Ref.View<Node> left = STM.newRef(null);
            final scala.concurrent.stm.Ref.View<Node> right = STM.newRef(null);
            final scala.concurrent.stm.Ref.View<Node> parent;
            final scala.concurrent.stm.Ref.View<Boolean> red = STM.newRef(Boolean.TRUE);

            Node(int key, Node parent) {
                super(key);
                this.parent = STM.newRef(parent);
            }
        }

        final scala.concurrent.stm.Ref.View<Node> root = STM.newRef(null);

        @Override
        Node newNode(int key, Node parent) {
            return new Node(key, parent);
        }

        @Override
        Node root(Object tx) {
            return root.get();
        }

        @Override
        void setRoot(Object tx, Node n) {
            root.set(n);
        }

        @Override
        Node left(Object tx, Node n) {
            return n.left.get();
        }

        @Override
        void setLeft(Object tx, Node n, Node child) {
            n.left.set(child);
        }

        @Override
        Node right(Object tx, Node n) {
            return n.right.get();
        }

        @Override
        void setRight(Object tx, Node n, Node child) {
            n.right.set(child);
        }

        @Override
        Node parent(Object tx, Node n) {
            return n.parent.get();
        }

        @Override
        void setParent(Object tx, Node n, Node parent) {
            n.parent.set(parent);
        }

        @Override
        boolean isRed(Object tx, Node n) {
            return n.red.get();
        }

        @Override
        void setRed(Object tx, Node n, boolean red) {
            n.red.set(red);
        }

        @Override
        <T> T atomic(boolean readOnly, Atomically.Body<T> body) {
            return Atomically.scalaStm(body);
        }
    }

    /**
     * Multiverse's default isolation level is snapshot isolation, which lets
     * two updates that each rely on a node the other recolours both commit (a
     * broken tree within seconds in a 2-thread stress test), so the tree runs
     * at {@code IsolationLevel.Serializable}, Multiverse's own cure; lookups
     * too, so that one executor serves every operation.
     */
    static final class MultiverseTree extends RbTree<MultiverseTree.Node> {
        static final class Node extends TreeNode {
            final TxnRef<Node> left = MultiverseRefs.newTxnRef(null);
            final TxnRef<Node> right = MultiverseRefs.newTxnRef(null);
            final TxnRef<Node> parent;
            final TxnRef<Boolean> red = MultiverseRefs.newTxnRef(Boolean.TRUE);

            Node(int key, Node parent) {
                super(key);
                this.parent = MultiverseRefs.newTxnRef(parent);
            }
        }

        final TxnRef<Node> root = MultiverseRefs.newTxnRef(null);

        @Override
        Node newNode(int key, Node parent) {
            return new Node(key, parent);
        }

        @Override
        Node root(Object tx) {
            return root.get((Txn) tx);
        }

        @Override
        void setRoot(Object tx, Node n) {
            root.set((Txn) tx, n);
        }

        @Override
        Node left(Object tx, Node n) {
            return n.left.get((Txn) tx);
        }

        @Override
        void setLeft(Object tx, Node n, Node child) {
            n.left.set((Txn) tx, child);
        }

        @Override
        Node right(Object tx, Node n) {
            return n.right.get((Txn) tx);
        }

        @Override
        void setRight(Object tx, Node n, Node child) {
            n.right.set((Txn) tx, child);
        }

        @Override
        Node parent(Object tx, Node n) {
            return n.parent.get((Txn) tx);
        }

        @Override
        void setParent(Object tx, Node n, Node parent) {
            n.parent.set((Txn) tx, parent);
        }

        @Override
        boolean isRed(Object tx, Node n) {
            return n.red.get((Txn) tx);
        }

        @Override
        void setRed(Object tx, Node n, boolean red) {
            n.red.set((Txn) tx, red);
        }

        @Override
        <T> T atomic(boolean readOnly, Atomically.Body<T> body) {
            return Atomically.multiverseSerializable(body);
        }
    }

    /**
     * Clojure refs give snapshot isolation, not serializability: an insert
     * that relies on its parent being black and another that recolours that
     * parent write different refs and would both commit (write skew, a red
     * node with a red child). So updating transactions {@code ensure}
     * ({@code Ref.touch()}) every ref they read, which is what Clojure asks of
     * a transaction whose writes depend on refs it does not write. Lookups
     * are read-only and need no ensure.
     */
    static final class ClojureTree extends RbTree<ClojureTree.Node> {
        /** Passed as {@code tx} to an updating transaction's body: every read ensures. */
        private static final Object ENSURE_READS = new Object();

        static final class Node extends TreeNode {
            final Ref left = new Ref(null);
            final Ref right = new Ref(null);
            final Ref parent;
            final Ref red = new Ref(Boolean.TRUE);

            Node(int key, Node parent) {
                super(key);
                this.parent = new Ref(parent);
            }
        }

        final Ref root = new Ref(null);

        private static Object read(Object tx, Ref ref) {
            if (tx == ENSURE_READS) {
                ref.touch();
            }
            return ref.deref();
        }

        @Override
        Node newNode(int key, Node parent) {
            return new Node(key, parent);
        }

        @Override
        Node root(Object tx) {
            return (Node) read(tx, root);
        }

        @Override
        void setRoot(Object tx, Node n) {
            root.set(n);
        }

        @Override
        Node left(Object tx, Node n) {
            return (Node) read(tx, n.left);
        }

        @Override
        void setLeft(Object tx, Node n, Node child) {
            n.left.set(child);
        }

        @Override
        Node right(Object tx, Node n) {
            return (Node) read(tx, n.right);
        }

        @Override
        void setRight(Object tx, Node n, Node child) {
            n.right.set(child);
        }

        @Override
        Node parent(Object tx, Node n) {
            return (Node) read(tx, n.parent);
        }

        @Override
        void setParent(Object tx, Node n, Node parent) {
            n.parent.set(parent);
        }

        @Override
        boolean isRed(Object tx, Node n) {
            return (Boolean) read(tx, n.red);
        }

        @Override
        void setRed(Object tx, Node n, boolean red) {
            n.red.set(red);
        }

        @Override
        <T> T atomic(boolean readOnly, Atomically.Body<T> body) {
            return Atomically.clojure(readOnly ? null : ENSURE_READS, body);
        }
    }

    /** Plain fields, protected by the given locks (the same lock twice for globalLock; none for plain). */
    static final class PlainTree extends RbTree<PlainTree.Node> {
        static final class Node extends TreeNode {
            Node left;
            Node right;
            Node parent;
            boolean red = true;

            Node(int key, Node parent) {
                super(key);
                this.parent = parent;
            }
        }

        private final Lock readLock;
        private final Lock writeLock;
        private Node root;

        PlainTree(Lock readLock, Lock writeLock) {
            this.readLock = readLock;
            this.writeLock = writeLock;
        }

        @Override
        Node newNode(int key, Node parent) {
            return new Node(key, parent);
        }

        @Override
        Node root(Object tx) {
            return root;
        }

        @Override
        void setRoot(Object tx, Node n) {
            root = n;
        }

        @Override
        Node left(Object tx, Node n) {
            return n.left;
        }

        @Override
        void setLeft(Object tx, Node n, Node child) {
            n.left = child;
        }

        @Override
        Node right(Object tx, Node n) {
            return n.right;
        }

        @Override
        void setRight(Object tx, Node n, Node child) {
            n.right = child;
        }

        @Override
        Node parent(Object tx, Node n) {
            return n.parent;
        }

        @Override
        void setParent(Object tx, Node n, Node parent) {
            n.parent = parent;
        }

        @Override
        boolean isRed(Object tx, Node n) {
            return n.red;
        }

        @Override
        void setRed(Object tx, Node n, boolean red) {
            n.red = red;
        }

        @Override
        <T> T atomic(boolean readOnly, Atomically.Body<T> body) {
            Lock lock = readOnly ? readLock : writeLock;
            return lock == null ? body.run(null) : Atomically.locked(lock, body);
        }
    }
}
