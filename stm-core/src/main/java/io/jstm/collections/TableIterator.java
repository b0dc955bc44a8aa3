package io.jstm.collections;

import io.jstm.Stm;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The iterator of a {@link KeyTable}-backed collection or view: fail-safe
 * (never throws {@code ConcurrentModificationException}) and transactional.
 *
 * <p>Made inside a transaction, it walks the table lazily with a
 * {@link KeyTable.Cursor}: each step reads only the cells it passes, in the
 * running transaction (beside the count stripes, read once when it is made).
 * Made outside one, it copies every element in a single atomic block and
 * iterates that consistent snapshot. {@link #remove()} removes the last
 * element's key from the collection (in the running transaction, or atomically
 * on its own) whatever it maps to by then, as {@code ConcurrentHashMap}'s
 * iterators do.
 *
 * <p>Used by one thread at a time, like any iterator: plain fields.
 *
 * <p>A lazy iterator still used after its transaction ended reads each cell in
 * an atomic block of its own (weakly consistent from then on). Like any object
 * a transaction changes outside refs, it must not be used in another
 * transaction that may re-run.
 */
final class TableIterator<E> implements Iterator<E> {
    /** Maps a present key and its value to the element returned; pure. */
    private final BiFunction<Object, Object, E> view;
    /** Removes a key, inside a transaction. */
    private final Consumer<Object> remover;
    /** Lazy mode; null in snapshot mode. */
    private final KeyTable.Cursor cursor;
    /** Snapshot mode: keys and their elements, alternating; null in lazy mode. */
    private final Object[] snapshot;
    private int pos;

    private boolean ready;
    private Object nextKey;
    private E nextElement;
    private Object lastKey;
    private boolean canRemove;

    TableIterator(KeyTable table, BiFunction<Object, Object, E> view, Consumer<Object> remover) {
        this.view = view;
        this.remover = remover;
        if (Stm.inTransaction()) {
            cursor = table.cursor();
            snapshot = null;
        } else {
            cursor = null;
            snapshot = Stm.atomic(() -> copy(table, view));
        }
    }

    private static Object[] copy(KeyTable table, BiFunction<Object, Object, ?> view) {
        ArrayList<Object> out = new ArrayList<>();
        for (KeyTable.Cursor c = table.cursor(); c.next(); ) {
            out.add(c.key());
            out.add(view.apply(c.key(), c.value()));
        }
        return out.toArray();
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean hasNext() {
        if (ready) {
            return true;
        }
        if (snapshot != null) {
            if (pos == snapshot.length) {
                return false;
            }
            take(snapshot[pos], (E) snapshot[pos + 1]);
            pos += 2;
            return true;
        }
        boolean inTransaction = Stm.inTransaction();
        while (cursor.advance()) {
            // On our own, each cell is read in an atomic block of its own: a re-run reads the same cell again.
            if (inTransaction ? cursor.read() : Stm.atomic(cursor::read)) {
                take(cursor.key(), view.apply(cursor.key(), cursor.value()));
                return true;
            }
        }
        return false;
    }

    private void take(Object key, E element) {
        nextKey = key;
        nextElement = element;
        ready = true;
    }

    @Override
    public E next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        E element = nextElement;
        lastKey = nextKey;
        canRemove = true;
        ready = false;
        nextKey = null;
        nextElement = null;
        return element;
    }

    @Override
    public void remove() {
        if (!canRemove) {
            throw new IllegalStateException("remove() needs a preceding next(), at most once per element");
        }
        canRemove = false;
        Object k = lastKey;
        lastKey = null;
        Atomically.run(() -> remover.accept(k));
    }
}
