package io.jstm.collections;

import io.jstm.Stm;

import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;

/**
 * A transactional hash set.
 *
 * <p><b>Inside a transaction</b> ({@link Stm#atomic}) every operation, including
 * iteration, is part of it: it sees the transaction's snapshot plus its own
 * writes, its changes become visible at commit, and a rollback undoes them.
 * <b>Outside a transaction</b> each call is atomic on its own, bulk operations
 * ({@link #addAll}, {@link #removeAll}, {@link #equals} ...) included.
 *
 * <p><b>Iterators</b> are fail-safe (never
 * {@code ConcurrentModificationException}). Made inside a transaction, they
 * walk the set lazily in it; made outside one, they iterate a consistent
 * snapshot taken atomically when they were made. {@code Iterator.remove}
 * removes the element from the set.
 *
 * <p><b>Scalability.</b> Operations on different elements do not conflict:
 * elements live in a hash trie of refs and the size in per-thread stripes
 * updated with {@link io.jstm.LongRef#commute}. Adding or removing an element
 * conflicts only with transactions that touch one of the few elements (at most
 * eight) sharing its trie leaf; {@code contains} conflicts with nothing but
 * such writes. {@link #size()}, {@link #isEmpty()}, iteration and
 * {@link #clear()} read the whole set (or its size), so in a transaction that
 * also writes they conflict with concurrent adds and removes; read-only
 * transactions never abort.
 *
 * <p><b>Nulls.</b> Like {@code ConcurrentHashMap.newKeySet()}, a {@code TSet}
 * does not allow null elements: adding or querying null throws
 * {@link NullPointerException}.
 *
 * @param <E> the type of elements
 */
public final class TSet<E> extends TransactionalSet<E> {
    private static final String NULL_ELEMENT = "TSet does not allow null elements (like ConcurrentHashMap.newKeySet())";

    private final HashTrie trie = new HashTrie(false);

    /** An empty set. */
    public TSet() {}

    /** A set holding the elements of {@code c}. */
    public TSet(Collection<? extends E> c) {
        addAll(c);
    }

    private static int hashOf(Object o) {
        return HashTrie.spread(Objects.requireNonNull(o, NULL_ELEMENT).hashCode());
    }

    /** The number of elements (at most {@link Integer#MAX_VALUE}); reads every size stripe. */
    @Override
    public int size() {
        return Atomically.call(() -> (int) Math.min(trie.size(), Integer.MAX_VALUE));
    }

    @Override
    public boolean isEmpty() {
        return Atomically.call(() -> trie.size() == 0);
    }

    /** @throws NullPointerException if {@code o} is null */
    @Override
    public boolean contains(Object o) {
        int h = hashOf(o);
        return Atomically.call(() -> trie.find(o, h) != null);
    }

    /** Adds {@code e} if absent; true if it was. @throws NullPointerException if {@code e} is null */
    @Override
    public boolean add(E e) {
        int h = hashOf(e);
        return Atomically.call(() -> trie.findOrInsert(e, h, null) == null);
    }

    /** Removes {@code o} if present; true if it was. @throws NullPointerException if {@code o} is null */
    @Override
    public boolean remove(Object o) {
        int h = hashOf(o);
        return Atomically.call(() -> trie.remove(o, h) != null);
    }

    /** Removes every element. Conflicts with every concurrent add and remove. */
    @Override
    public void clear() {
        Atomically.run(trie::clear);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Iterator<E> iterator() {
        return new TrieIterator<>(trie, e -> (E) e.key, e -> trie.remove(e.key, e.hash));
    }
}
