package io.jstm.collections;

import io.jstm.Ref;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The transactional hash trie behind {@link TMap} and {@link TSet}.
 *
 * <h2>Overview</h2>
 * A hash array mapped trie whose every slot is its own {@link Ref}, so that
 * transactions touching different parts of the key space touch different refs
 * and never conflict:
 * <ul>
 *   <li>A node is an array of {@link #WIDTH} slot refs. The root
 *       indexes the low {@link #BITS} bits of the key's spread hash, each level
 *       below the next {@code BITS} bits.</li>
 *   <li>A slot holds {@code null} (empty), a leaf (an immutable
 *       {@code Entry[]}, replaced whole on every change: copy-on-write) or a
 *       child node.</li>
 *   <li>An {@link Entry} is immutable: hash, key and, for maps, a value ref of
 *       its own. Changing the value of a present key writes only that ref;
 *       only adding or removing a key writes the leaf's slot.</li>
 *   <li>A leaf that would grow past {@link #LEAF_MAX} entries is split: its
 *       slot is rewritten, once, to a new child node whose slot refs are
 *       created holding the partitioned entries. Nodes never merge back, so
 *       a slot that holds a node keeps it until {@link #clear()} and growth
 *       is local (no global rehash): a split conflicts only with
 *       transactions in that slot's subtree. Once the hash bits run out
 *       (seven levels) a leaf just grows; it then holds keys whose whole
 *       hashes are equal.</li>
 * </ul>
 * Hence two transactions conflict on the trie only when they touch the same
 * leaf and at least one adds or removes a key there (a leaf holds at most
 * {@code LEAF_MAX} keys), or when one walks or clears the whole trie while the
 * other adds or removes; keys whose spread hashes differ in the low
 * {@code BITS} bits share no ref at all. Updates of present keys conflict only
 * on the key itself. The element count lives in a {@link SizeCounter}, which
 * inserting and removing transactions update with commutes.
 *
 * <p>Why a trie and not a bucket array: an array must be replaced to grow, and
 * a reference to the current array is something every operation reads, so a
 * resize would conflict with every transaction in flight (and copy the whole
 * table inside one). Here growth is a split of one leaf. The price is depth: a
 * lookup reads one slot ref per level, about {@code log32(size / 4)} of them
 * (three for 100,000 keys), then the value ref.
 *
 * <p>Slot refs are created lazily, on first access: an empty slot ref and a
 * missing one mean the same thing, so creating it changes nothing a
 * transaction can observe. It is installed with a CAS so that every thread
 * uses the same ref. A reader must still read the ref it created
 * transactionally (a writer that commits later has to invalidate it).
 *
 * <p>The refs of a node made by a split start with their final contents
 * (version 0) instead of being written by the splitting transaction: the node
 * becomes reachable only through the parent slot, which that transaction
 * writes, so anyone who reaches the node reads a snapshot at or after the
 * split and sees the contents as of the split or later.
 *
 * <p>All methods must run inside a transaction (callers use {@link Atomically}).
 * Keys and values are never null here; the public classes check.
 */
final class HashTrie {
    static final int BITS = 5;
    static final int WIDTH = 1 << BITS;
    /** Largest leaf that is split when it grows; small leaves keep unrelated keys apart. */
    static final int LEAF_MAX = 8;

    private static final String SLOT_NAME = "trie-slot";
    private static final String VALUE_NAME = "map-value";

    private final Ref<?>[] root = newNode();
    private final SizeCounter count = new SizeCounter();
    /** True for maps (entries carry a value ref), false for sets. */
    private final boolean values;

    HashTrie(boolean values) {
        this.values = values;
    }

    /** Murmur3's finaliser: a bijection, so distinct hash codes stay distinct, with every input bit reaching the low bits. */
    static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    static int index(int hash, int shift) {
        return (hash >>> shift) & (WIDTH - 1);
    }

    /** Whether a leaf in a node at {@code shift} may become a node (the child level still has hash bits). */
    private static boolean canSplit(int shift) {
        return shift + BITS < Integer.SIZE;
    }

    // ------------------------------------------------------------------ parts

    /** A key, its spread hash and (maps only) its value ref. Immutable. */
    static final class Entry {
        final int hash;
        final Object key;
        /** The key's value (maps); null for sets. Holds a non-null value while the entry is in the trie. */
        final Ref<Object> value;

        Entry(int hash, Object key, Ref<Object> value) {
            this.hash = hash;
            this.key = key;
            this.value = value;
        }

        boolean matches(Object k, int h) {
            return hash == h && (key == k || k.equals(key));
        }
    }

    /*
     * An inner node is a plain Ref<?>[WIDTH] of slot refs (no wrapper object: one
     * pointer less to chase per level). A null element is an empty slot whose ref
     * nobody has needed yet. Elements are filled with compareAndExchange
     * (volatile) and read with getAcquire, so that a ref seen is seen
     * initialised; never replaced. A node made by a split is filled before it is
     * published (by the commit that writes its parent slot, a release store).
     */

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Ref[].class);

    static Ref<?>[] newNode() {
        return new Ref<?>[WIDTH];
    }

    @SuppressWarnings("unchecked")
    static Ref<Object> slot(Ref<?>[] node, int i) {
        Ref<Object> r = (Ref<Object>) SLOT.getAcquire(node, i);
        return r != null ? r : install(node, i);
    }

    @SuppressWarnings("unchecked")
    private static Ref<Object> install(Ref<?>[] node, int i) {
        Ref<Object> fresh = Ref.named(SLOT_NAME, null);
        Ref<Object> witness = (Ref<Object>) SLOT.compareAndExchange(node, i, null, fresh);
        return witness == null ? fresh : witness;
    }

    // ---------------------------------------------------------------- queries

    /** The entry for {@code key} (spread hash {@code h}), or null. */
    Entry find(Object key, int h) {
        Ref<?>[] n = root;
        for (int shift = 0; ; shift += BITS) {
            Object v = slot(n, index(h, shift)).get();
            if (v instanceof Ref<?>[]) {
                n = (Ref<?>[]) v;
                continue;
            }
            if (v != null) {
                for (Entry e : (Entry[]) v) {
                    if (e.matches(key, h)) {
                        return e;
                    }
                }
            }
            return null;
        }
    }

    /** The number of entries (reads every count stripe). */
    long size() {
        return count.sum();
    }

    // ---------------------------------------------------------------- updates

    /**
     * Returns the entry for {@code key} if present (changing nothing);
     * otherwise adds one (with a new value ref holding {@code value}, for maps)
     * and returns null.
     */
    Entry findOrInsert(Object key, int h, Object value) {
        Ref<?>[] n = root;
        for (int shift = 0; ; shift += BITS) {
            Ref<Object> slot = slot(n, index(h, shift));
            Object v = slot.get();
            if (v instanceof Ref<?>[]) {
                n = (Ref<?>[]) v;
                continue;
            }
            Entry[] leaf = (Entry[]) v;
            if (leaf != null) {
                for (Entry e : leaf) {
                    if (e.matches(key, h)) {
                        return e;
                    }
                }
            }
            slot.set(withEntry(leaf, newEntry(key, h, value), shift));
            count.increment();
            return null;
        }
    }

    private Entry newEntry(Object key, int h, Object value) {
        return new Entry(h, key, values ? Ref.named(VALUE_NAME, value) : null);
    }

    /** The leaf {@code leaf} (may be null) plus {@code e}, split into a node if it grew too big. */
    private static Object withEntry(Entry[] leaf, Entry e, int shift) {
        if (leaf == null) {
            return new Entry[] {e};
        }
        Entry[] grown = Arrays.copyOf(leaf, leaf.length + 1);
        grown[leaf.length] = e;
        return grown.length > LEAF_MAX && canSplit(shift) ? split(grown, shift + BITS) : grown;
    }

    /** A new node at {@code shift} holding {@code entries}, splitting further where they still crowd one slot. */
    private static Ref<?>[] split(Entry[] entries, int shift) {
        Entry[][] groups = new Entry[WIDTH][];
        for (Entry e : entries) {
            int i = index(e.hash, shift);
            Entry[] g = groups[i];
            if (g == null) {
                g = new Entry[] {e};
            } else {
                g = Arrays.copyOf(g, g.length + 1);
                g[g.length - 1] = e;
            }
            groups[i] = g;
        }
        Ref<?>[] node = newNode();
        for (int i = 0; i < WIDTH; i++) {
            Entry[] g = groups[i];
            if (g != null) {
                Object child = g.length > LEAF_MAX && canSplit(shift) ? split(g, shift + BITS) : g;
                node[i] = Ref.named(SLOT_NAME, child);
            }
        }
        return node;
    }

    /** Removes the entry for {@code key}; returns it, or null if absent. */
    Entry remove(Object key, int h) {
        Ref<?>[] n = root;
        for (int shift = 0; ; shift += BITS) {
            Ref<Object> slot = slot(n, index(h, shift));
            Object v = slot.get();
            if (v instanceof Ref<?>[]) {
                n = (Ref<?>[]) v;
                continue;
            }
            if (v == null) {
                return null;
            }
            Entry[] leaf = (Entry[]) v;
            for (int i = 0; i < leaf.length; i++) {
                Entry e = leaf[i];
                if (e.matches(key, h)) {
                    slot.set(without(leaf, i));
                    count.decrement();
                    return e;
                }
            }
            return null;
        }
    }

    private static Entry[] without(Entry[] leaf, int i) {
        int n = leaf.length;
        if (n == 1) {
            return null;
        }
        Entry[] shrunk = new Entry[n - 1];
        System.arraycopy(leaf, 0, shrunk, 0, i);
        System.arraycopy(leaf, i + 1, shrunk, i, n - 1 - i);
        return shrunk;
    }

    /**
     * Removes every entry: empties the root's slots (dropping whole subtrees)
     * and zeroes the count. Reads every root slot and count stripe, so it
     * conflicts with any concurrent insert or remove.
     */
    void clear() {
        for (int i = 0; i < WIDTH; i++) {
            Ref<Object> slot = slot(root, i);
            if (slot.get() != null) {
                slot.set(null);
            }
        }
        count.reset();
    }

    // -------------------------------------------------------------- traversal

    /** A new traversal from the first slot of the root. */
    Cursor cursor() {
        return new Cursor(root);
    }

    /**
     * A depth-first walk over the entries, reading each slot transactionally
     * when it gets there (in whatever transaction is running then). Leaves are
     * immutable, so a walk never sees an entry twice and sees every entry that
     * was present throughout the walk, whatever the walking or other
     * transactions change meanwhile (weakly consistent, like
     * {@code ConcurrentHashMap}'s iterators); inside one transaction it
     * sees that transaction's snapshot plus its own writes.
     */
    static final class Cursor {
        /** Hash bits run out after this many levels. */
        private static final int MAX_DEPTH = (Integer.SIZE + BITS - 1) / BITS;

        private final Ref<?>[][] nodes = new Ref<?>[MAX_DEPTH][];
        private final int[] next = new int[MAX_DEPTH];
        private int depth;
        private Entry[] leaf;
        private int leafPos;

        Cursor(Ref<?>[] root) {
            nodes[0] = root;
        }

        /** An independent cursor at the same position (to advance tentatively). */
        Cursor copy() {
            Cursor c = new Cursor(null);
            System.arraycopy(nodes, 0, c.nodes, 0, MAX_DEPTH);
            System.arraycopy(next, 0, c.next, 0, MAX_DEPTH);
            c.depth = depth;
            c.leaf = leaf;
            c.leafPos = leafPos;
            return c;
        }

        /** The next entry, or null at the end. */
        Entry next() {
            for (;;) {
                if (leaf != null) {
                    if (leafPos < leaf.length) {
                        return leaf[leafPos++];
                    }
                    leaf = null;
                }
                if (depth < 0) {
                    return null;
                }
                int i = next[depth];
                if (i == WIDTH) {
                    nodes[depth--] = null;
                    continue;
                }
                next[depth] = i + 1;
                Object v = slot(nodes[depth], i).get();
                if (v instanceof Ref<?>[]) {
                    depth++;
                    nodes[depth] = (Ref<?>[]) v;
                    next[depth] = 0;
                } else if (v != null) {
                    leaf = (Entry[]) v;
                    leafPos = 0;
                }
            }
        }
    }
}
