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
 * <p><b>Scalability.</b> Operations on different elements never conflict with
 * each other, whatever their hashes: each element has a ref of its own (see
 * {@code KeyTable}), and the size lives in per-thread stripes updated with
 * {@link io.jstm.LongRef#commute}. {@link #size()}, {@link #isEmpty()},
 * iteration and {@link #clear()} read the whole set (or its size), so in a
 * transaction that also writes they conflict with concurrent adds and removes;
 * read-only transactions never abort. The cells of absent elements are
 * reclaimed as {@link TMap}'s are.
 *
 * <p><b>Nulls.</b> Like {@code ConcurrentHashMap.newKeySet()}, a {@code TSet}
 * does not allow null elements: adding or querying null throws
 * {@link NullPointerException}.
 *
 * @param <E> the type of elements
 */
public final class TSet<E> extends TransactionalSet<E> {
    private static final String NULL_ELEMENT = "TSet does not allow null elements (like ConcurrentHashMap.newKeySet())";

    private final KeyTable table = new KeyTable("set-element");

    /** The key table (tests). */
    KeyTable table() {
        return table;
    }

    /** An empty set. */
    public TSet() {}

    /** A set holding the elements of {@code c}. */
    public TSet(Collection<? extends E> c) {
        addAll(c);
    }

    private static void check(Object o) {
        Objects.requireNonNull(o, NULL_ELEMENT);
    }

    /** The number of elements (at most {@link Integer#MAX_VALUE}); reads every size stripe. */
    @Override
    public int size() {
        return Atomically.call(() -> (int) Math.min(table.size(), Integer.MAX_VALUE));
    }

    @Override
    public boolean isEmpty() {
        return Atomically.call(() -> table.size() == 0);
    }

    /** @throws NullPointerException if {@code o} is null */
    @Override
    public boolean contains(Object o) {
        check(o);
        return (Stm.inTransaction() ? table.valueIn(o) : table.latest(o)) != null;
    }

    /** Adds {@code e} if absent; true if it was. @throws NullPointerException if {@code e} is null */
    @Override
    public boolean add(E e) {
        check(e);
        return Atomically.call(() -> table.findOrInsert(e, KeyTable.PRESENT) == null);
    }

    /** Removes {@code o} if present; true if it was. @throws NullPointerException if {@code o} is null */
    @Override
    public boolean remove(Object o) {
        check(o);
        return Atomically.call(() -> table.remove(o) != null);
    }

    /** Removes every element. Conflicts with every concurrent add and remove. */
    @Override
    public void clear() {
        Atomically.run(table::clear);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Iterator<E> iterator() {
        return new TableIterator<>(table, (k, v) -> (E) k, table::remove);
    }
}
