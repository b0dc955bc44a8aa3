package io.jstm.collections;

import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Predicate;

/**
 * Base of the transactional collections and views: runs each bulk operation
 * of {@link AbstractCollection} (which are loops over single operations) as
 * one transaction, so that outside a transaction it is atomic as a whole and
 * sees one consistent state; inside a transaction it joins it, all or nothing
 * (see {@link Atomically#bulk}). {@code forEach} and streams are not wrapped:
 * they use {@link #iterator()}, which outside a transaction iterates a
 * consistent snapshot and calls the action outside any transaction (so the
 * action is never re-run).
 */
abstract class TransactionalCollection<E> extends AbstractCollection<E> {

    /** Spliterator characteristics beyond {@code NONNULL | CONCURRENT}. */
    int extraCharacteristics() {
        return 0;
    }

    /**
     * A spliterator over {@link #iterator()}, not {@code SIZED}: outside a
     * transaction the size read beforehand and the snapshot iterated may differ.
     */
    @Override
    public Spliterator<E> spliterator() {
        return Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.NONNULL | Spliterator.CONCURRENT | extraCharacteristics());
    }

    @Override
    public Object[] toArray() {
        return Atomically.call(super::toArray);
    }

    @Override
    public <T> T[] toArray(T[] a) {
        return Atomically.call(() -> super.toArray(a));
    }

    @Override
    public boolean remove(Object o) {
        return Atomically.call(() -> super.remove(o));
    }

    @Override
    public boolean containsAll(Collection<?> c) {
        return Atomically.call(() -> super.containsAll(c));
    }

    @Override
    public boolean addAll(Collection<? extends E> c) {
        return Atomically.bulk(() -> super.addAll(c));
    }

    @Override
    public boolean removeAll(Collection<?> c) {
        return Atomically.bulk(() -> super.removeAll(c));
    }

    @Override
    public boolean retainAll(Collection<?> c) {
        return Atomically.bulk(() -> super.retainAll(c));
    }

    /**
     * Removes, in one transaction, every element {@code filter} accepts. The
     * filter runs inside the transaction and runs again if it re-runs: it
     * should be free of side effects.
     */
    @Override
    public boolean removeIf(Predicate<? super E> filter) {
        return Atomically.bulk(() -> super.removeIf(filter));
    }

    @Override
    public String toString() {
        return Atomically.call(super::toString);
    }
}
