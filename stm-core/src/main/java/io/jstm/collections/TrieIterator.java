package io.jstm.collections;

import io.jstm.Stm;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The iterator of a {@link HashTrie}-backed collection or view: fail-safe
 * (never throws {@code ConcurrentModificationException}) and transactional.
 *
 * <p>Made inside a transaction, it walks the trie lazily with a
 * {@link HashTrie.Cursor}: each step reads only the slots it needs, in the
 * running transaction, so a loop that stops early reads (and can conflict on)
 * only what it visited. Made outside one, it copies every element in a single
 * atomic block and iterates that consistent snapshot. {@link #remove()} removes
 * the last element's key from the collection (in the running transaction, or
 * atomically on its own) whatever it maps to by then, as
 * {@code ConcurrentHashMap}'s iterators do.
 *
 * <p>Used by one thread at a time, like any iterator: plain fields.
 *
 * <p>A lazy iterator still used after its transaction ended takes each step in
 * an atomic block of its own (weakly consistent from then on). Like any object
 * a transaction changes outside refs, it must not be used in another
 * transaction that may re-run.
 */
final class TrieIterator<E> implements Iterator<E> {
    private final Function<HashTrie.Entry, E> view;
    private final Consumer<HashTrie.Entry> remover;
    /** Lazy mode; null in snapshot mode. */
    private HashTrie.Cursor cursor;
    /** Snapshot mode: entries and their elements, alternating; null in lazy mode. */
    private final Object[] snapshot;
    private int pos;

    private HashTrie.Entry nextEntry;
    private E nextElement;
    private HashTrie.Entry lastEntry;

    /**
     * @param view    maps an entry to the element returned, inside a transaction
     * @param remover removes an entry's key, inside a transaction
     */
    TrieIterator(HashTrie trie, Function<HashTrie.Entry, E> view, Consumer<HashTrie.Entry> remover) {
        this.view = view;
        this.remover = remover;
        if (Stm.inTransaction()) {
            cursor = trie.cursor();
            snapshot = null;
        } else {
            cursor = null;
            snapshot = Stm.atomic(() -> copy(trie, view));
        }
    }

    private static Object[] copy(HashTrie trie, Function<HashTrie.Entry, ?> view) {
        ArrayList<Object> out = new ArrayList<>();
        HashTrie.Cursor c = trie.cursor();
        for (HashTrie.Entry e; (e = c.next()) != null; ) {
            out.add(e);
            out.add(view.apply(e));
        }
        return out.toArray();
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean hasNext() {
        if (nextEntry != null) {
            return true;
        }
        if (snapshot != null) {
            if (pos == snapshot.length) {
                return false;
            }
            nextEntry = (HashTrie.Entry) snapshot[pos];
            nextElement = (E) snapshot[pos + 1];
            pos += 2;
            return true;
        }
        if (Stm.inTransaction()) {
            return advance(cursor);
        }
        // On our own: an attempt that re-runs must start again from the same position.
        HashTrie.Cursor from = cursor;
        return Stm.atomic(() -> {
            HashTrie.Cursor c = from.copy();
            cursor = c;
            return advance(c);
        });
    }

    private boolean advance(HashTrie.Cursor c) {
        HashTrie.Entry e = c.next();
        nextElement = e == null ? null : view.apply(e);
        nextEntry = e;
        return e != null;
    }

    @Override
    public E next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        E element = nextElement;
        lastEntry = nextEntry;
        nextEntry = null;
        nextElement = null;
        return element;
    }

    @Override
    public void remove() {
        HashTrie.Entry e = lastEntry;
        if (e == null) {
            throw new IllegalStateException("remove() needs a preceding next(), at most once per element");
        }
        lastEntry = null;
        Atomically.run(() -> remover.accept(e));
    }
}
