package io.jstm.collections;

import java.util.Collection;
import java.util.Iterator;
import java.util.Set;
import java.util.Spliterator;

/** A {@link TransactionalCollection} with {@link Set}'s equality, decided in one transaction. */
abstract class TransactionalSet<E> extends TransactionalCollection<E> implements Set<E> {

    @Override
    int extraCharacteristics() {
        return Spliterator.DISTINCT;
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof Set)) {
            return false;
        }
        Collection<?> other = (Collection<?>) o;
        return Atomically.call(() -> {
            try {
                return size() == other.size() && containsAll(other);
            } catch (ClassCastException | NullPointerException unsupported) {
                return false;
            }
        });
    }

    @Override
    public int hashCode() {
        return Atomically.call(() -> {
            int h = 0;
            for (Iterator<E> it = iterator(); it.hasNext(); ) {
                h += it.next().hashCode();
            }
            return h;
        });
    }
}
