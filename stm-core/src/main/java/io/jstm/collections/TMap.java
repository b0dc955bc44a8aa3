package io.jstm.collections;

import io.jstm.Ref;
import io.jstm.Stm;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A transactional hash map.
 *
 * <pre>{@code
 * TMap<String, Long> stock = new TMap<>();
 * Stm.atomic(() -> {
 *     stock.merge("apples", -1L, Long::sum);
 *     stock.merge("pears", 1L, Long::sum);
 * });
 * }</pre>
 *
 * <p><b>Inside a transaction</b> ({@link Stm#atomic}) every operation, including
 * iteration and the {@link #keySet()}, {@link #values()} and {@link #entrySet()}
 * views, is part of it: it sees the transaction's snapshot plus its own writes,
 * its changes become visible at commit, and a rollback undoes them.
 * <b>Outside a transaction</b> each call is atomic on its own, bulk operations
 * ({@link #putAll}, {@link #equals}, a view's {@code removeAll} ...) included.
 * Compound operations ({@link #putIfAbsent}, {@link #compute}, {@link #merge}
 * ...) are atomic as {@link ConcurrentMap} requires. Functions passed to them
 * run inside the transaction and run again if it re-runs, so they should be
 * free of side effects.
 *
 * <p><b>Iterators</b> are fail-safe: they never throw
 * {@code ConcurrentModificationException}. Made inside a transaction, they walk
 * the map lazily in it; made outside one, they iterate a consistent snapshot
 * taken atomically when they were made. {@code Iterator.remove},
 * {@code Map.Entry.setValue} and the views' removal methods write through to
 * the map. An entry returned by an iterator holds the value it had when it was
 * returned.
 *
 * <p><b>Scalability.</b> Operations on different keys never conflict with each
 * other, whatever their hashes: each key has a ref of its own (its cell, found
 * through a plain concurrent index; see the implementation notes in
 * {@code KeyTable}), and the size lives in per-thread stripes updated with
 * {@link io.jstm.LongRef#commute}. {@link #size()}, {@link #isEmpty()},
 * {@link #containsValue}, iteration, {@link #equals}, {@link #hashCode},
 * {@link #toString} and {@link #clear()} read the whole map (or its size), so
 * in a transaction that also writes they conflict with concurrent inserts and
 * removes; read-only transactions never abort.
 *
 * <p><b>Memory.</b> Inside a transaction, looking up a key, present or not,
 * gives it a cell (outside one, a lookup is a single read and makes none). Cells of
 * absent keys are reclaimed by a sweep that runs, after a transaction commits,
 * whenever the map holds more than twice the cells it kept after the last
 * sweep (and at least 1,024); a transaction that looked up such a key and also
 * writes may have to re-run once if the sweep reclaims the cell under it.
 *
 * <p><b>Nulls.</b> Like {@code ConcurrentHashMap}, a {@code TMap} does not
 * allow null keys or values: {@code get} returning null must mean "absent".
 * Passing null as a key or value, or as the key of a query, throws
 * {@link NullPointerException}.
 *
 * @param <K> the type of keys
 * @param <V> the type of values
 */
public final class TMap<K, V> implements ConcurrentMap<K, V> {
    private static final String NULL_KEY = "TMap does not allow null keys (like ConcurrentHashMap)";
    private static final String NULL_VALUE = "TMap does not allow null values (like ConcurrentHashMap): "
            + "get returning null must mean the key is absent; use remove(key) to delete a mapping";

    private final KeyTable table = new KeyTable("map-value");

    /** The views: stateless, so a race that makes two of one is harmless (plain fields). */
    private Set<K> keySet;
    private Collection<V> values;
    private Set<Map.Entry<K, V>> entrySet;

    /** The key table (tests). */
    KeyTable table() {
        return table;
    }

    /** An empty map. */
    public TMap() {}

    /** A map holding the mappings of {@code m}, copied in one transaction if {@code m} is transactional. */
    public TMap(Map<? extends K, ? extends V> m) {
        putAll(m);
    }

    private static void checkKey(Object key) {
        Objects.requireNonNull(key, NULL_KEY);
    }

    /** The value in present cell {@code c}. */
    @SuppressWarnings("unchecked")
    private static <V> V valueOf(Ref<Object> c) {
        return (V) c.get();
    }

    @SuppressWarnings("unchecked")
    private static <V> V cast(Object v) {
        return (V) v;
    }

    // ---------------------------------------------------------------- queries

    /** The number of mappings (at most {@link Integer#MAX_VALUE}); reads every size stripe. */
    @Override
    public int size() {
        return Atomically.call(() -> (int) Math.min(table.size(), Integer.MAX_VALUE));
    }

    @Override
    public boolean isEmpty() {
        return Atomically.call(() -> table.size() == 0);
    }

    /** @throws NullPointerException if {@code key} is null */
    @Override
    public V get(Object key) {
        checkKey(key);
        if (!Stm.inTransaction()) {
            @SuppressWarnings("unchecked")
            V v = (V) table.latest(key); // one read: no transaction needed
            return v;
        }
        @SuppressWarnings("unchecked")
        V v = (V) table.valueIn(key);
        return v;
    }

    /** @throws NullPointerException if {@code key} is null */
    @Override
    public V getOrDefault(Object key, V defaultValue) {
        V v = get(key);
        return v != null ? v : defaultValue;
    }

    /** @throws NullPointerException if {@code key} is null */
    @Override
    public boolean containsKey(Object key) {
        checkKey(key);
        return (Stm.inTransaction() ? table.valueIn(key) : table.latest(key)) != null;
    }

    /** Scans the whole map. @throws NullPointerException if {@code value} is null */
    @Override
    public boolean containsValue(Object value) {
        Objects.requireNonNull(value, NULL_VALUE);
        return Atomically.call(() -> {
            for (KeyTable.Cursor c = table.cursor(); c.next(); ) {
                if (value.equals(c.value())) {
                    return true;
                }
            }
            return false;
        });
    }

    // ---------------------------------------------------------------- updates

    /** @throws NullPointerException if {@code key} or {@code value} is null */
    @Override
    public V put(K key, V value) {
        checkKey(key);
        Objects.requireNonNull(value, NULL_VALUE);
        if (!Stm.inTransaction()) {
            // A present key's value is one cell: one atomic write, no transaction.
            @SuppressWarnings("unchecked")
            V old = (V) table.replaceLatest(key, value);
            if (old != null) {
                return old;
            }
        }
        return Atomically.call(() -> {
            Ref<Object> c = table.findOrInsert(key, value);
            if (c == null) {
                return null;
            }
            V old = valueOf(c);
            c.set(value);
            return old;
        });
    }

    /** @throws NullPointerException if {@code key} or {@code value} is null */
    @Override
    public V putIfAbsent(K key, V value) {
        checkKey(key);
        Objects.requireNonNull(value, NULL_VALUE);
        return Atomically.call(() -> {
            Ref<Object> c = table.findOrInsert(key, value);
            return c == null ? null : valueOf(c);
        });
    }

    /** Copies every mapping of {@code m}, in one transaction: all or (if one is null) none. */
    @Override
    public void putAll(Map<? extends K, ? extends V> m) {
        Atomically.bulk(() -> {
            for (Map.Entry<? extends K, ? extends V> e : m.entrySet()) {
                put(e.getKey(), e.getValue());
            }
            return null;
        });
    }

    /** @throws NullPointerException if {@code key} is null */
    @Override
    public V remove(Object key) {
        checkKey(key);
        return Atomically.call(() -> {
            @SuppressWarnings("unchecked")
            V old = (V) table.remove(key);
            return old;
        });
    }

    /** @throws NullPointerException if {@code key} is null */
    @Override
    public boolean remove(Object key, Object value) {
        checkKey(key);
        if (value == null) {
            return false;
        }
        return Atomically.call(() -> {
            Ref<Object> c = table.find(key);
            if (c == null || !value.equals(c.get())) {
                return false;
            }
            table.remove(key);
            return true;
        });
    }

    /** @throws NullPointerException if {@code key} or {@code value} is null */
    @Override
    public V replace(K key, V value) {
        checkKey(key);
        Objects.requireNonNull(value, NULL_VALUE);
        if (!Stm.inTransaction()) {
            @SuppressWarnings("unchecked")
            V old = (V) table.replaceLatest(key, value); // absent: nothing to replace
            return old;
        }
        Ref<Object> c = table.find(key);
        if (c == null) {
            return null;
        }
        V old = valueOf(c);
        c.set(value);
        return old;
    }

    /** @throws NullPointerException if an argument is null */
    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        checkKey(key);
        Objects.requireNonNull(oldValue, NULL_VALUE);
        Objects.requireNonNull(newValue, NULL_VALUE);
        return Atomically.call(() -> {
            Ref<Object> c = table.find(key);
            if (c == null || !oldValue.equals(c.get())) {
                return false;
            }
            c.set(newValue);
            return true;
        });
    }

    /**
     * If {@code key} is absent, maps it to {@code f(key)} unless that is null;
     * returns the current (existing or computed) value. {@code f} runs inside
     * the transaction.
     *
     * @throws IllegalStateException if {@code f} changed the mapping for {@code key}
     *         (as {@link java.util.concurrent.ConcurrentHashMap} does); the call's
     *         writes, {@code f}'s included, are undone
     */
    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> f) {
        checkKey(key);
        Objects.requireNonNull(f, "computeIfAbsent(key, f): f is null");
        return Atomically.callingUserCode(() -> {
            Ref<Object> c = table.find(key);
            if (c != null) {
                return valueOf(c);
            }
            V v = f.apply(key);
            requireUnchanged(key, null, null, "computeIfAbsent");
            if (v != null) {
                table.findOrInsert(key, v);
            }
            return v;
        });
    }

    /**
     * If {@code key} is present, replaces its value with {@code f(key, value)},
     * or removes it if that is null; returns the new value. {@code f} runs
     * inside the transaction.
     *
     * @throws IllegalStateException if {@code f} changed the mapping for {@code key};
     *         the call's writes, {@code f}'s included, are undone
     */
    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> f) {
        checkKey(key);
        Objects.requireNonNull(f, "computeIfPresent(key, f): f is null");
        return Atomically.callingUserCode(() -> {
            Ref<Object> c = table.find(key);
            return c == null ? null : updateWith(c, key, f, "computeIfPresent");
        });
    }

    /**
     * Maps {@code key} to {@code f(key, current value or null)}, or removes it if
     * that is null; returns the new value. {@code f} runs inside the transaction.
     *
     * @throws IllegalStateException if {@code f} changed the mapping for {@code key};
     *         the call's writes, {@code f}'s included, are undone
     */
    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> f) {
        checkKey(key);
        Objects.requireNonNull(f, "compute(key, f): f is null");
        return Atomically.callingUserCode(() -> {
            Ref<Object> c = table.find(key);
            if (c != null) {
                return updateWith(c, key, f, "compute");
            }
            V v = f.apply(key, null);
            requireUnchanged(key, null, null, "compute");
            if (v != null) {
                table.findOrInsert(key, v);
            }
            return v;
        });
    }

    /**
     * Maps an absent {@code key} to {@code value}, a present one to
     * {@code f(old value, value)} (removing it if that is null); returns the new
     * value. {@code f} runs inside the transaction.
     *
     * @throws IllegalStateException if {@code f} changed the mapping for {@code key};
     *         the call's writes, {@code f}'s included, are undone
     */
    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> f) {
        checkKey(key);
        Objects.requireNonNull(value, NULL_VALUE);
        Objects.requireNonNull(f, "merge(key, value, f): f is null");
        return Atomically.callingUserCode(() -> {
            Ref<Object> c = table.findOrInsert(key, value);
            if (c == null) {
                return value;
            }
            V old = valueOf(c);
            V v = f.apply(old, value);
            requireUnchanged(key, c, old, "merge");
            return update(key, c, v);
        });
    }

    /** {@code compute} on present entry {@code e}: applies {@code f} and checks it left the key alone. */
    private V updateWith(Ref<Object> c, K key, BiFunction<? super K, ? super V, ? extends V> f, String op) {
        V old = valueOf(c);
        V v = f.apply(key, old);
        requireUnchanged(key, c, old, op);
        return update(key, c, v);
    }

    /**
     * After a user's function ran: the key must still be present in cell
     * {@code c} holding {@code value} (or be absent if {@code c} is null).
     * Otherwise the function updated the map for the key itself, and writing the
     * computed value over (or beside) that update would return a value the map
     * does not hold. (A function that removed the key and put the same value
     * object back left the mapping as it was, and is not caught.)
     */
    private void requireUnchanged(Object key, Ref<Object> c, Object value, String op) {
        Ref<Object> now = table.find(key);
        if (now != c || (c != null && c.get() != value)) {
            throw new IllegalStateException(op + "(key, f): the function changed this map's mapping for the same key "
                    + "(a recursive update); return the new value from the function instead of writing it to the map");
        }
    }

    /** Sets present cell {@code c} of {@code key} to {@code v}, or removes the key if {@code v} is null; returns {@code v}. */
    private V update(Object key, Ref<Object> c, V v) {
        if (v == null) {
            table.remove(key);
        } else {
            c.set(v);
        }
        return v;
    }

    /**
     * Replaces every value with {@code f(key, value)}, in one transaction.
     * @throws NullPointerException if {@code f} returns null
     */
    @Override
    public void replaceAll(BiFunction<? super K, ? super V, ? extends V> f) {
        Objects.requireNonNull(f, "replaceAll(f): f is null");
        Atomically.bulk(() -> {
            for (KeyTable.Cursor c = table.cursor(); c.next(); ) {
                @SuppressWarnings("unchecked")
                K k = (K) c.key();
                @SuppressWarnings("unchecked")
                V v = (V) c.value();
                c.cell().set(Objects.requireNonNull(f.apply(k, v), NULL_VALUE));
            }
            return null;
        });
    }

    /** Removes every mapping. Conflicts with every concurrent insert and remove. */
    @Override
    public void clear() {
        Atomically.run(table::clear);
    }

    // ------------------------------------------------------------------ views

    /** The keys, a live view: removal writes through; adding is not supported. */
    @Override
    public Set<K> keySet() {
        Set<K> s = keySet;
        return s != null ? s : (keySet = new KeySet());
    }

    /** The values, a live view: removal writes through; adding is not supported. */
    @Override
    public Collection<V> values() {
        Collection<V> c = values;
        return c != null ? c : (values = new Values());
    }

    /** The mappings, a live view: removal and {@code Entry.setValue} write through; adding is not supported. */
    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        Set<Map.Entry<K, V>> s = entrySet;
        return s != null ? s : (entrySet = new EntrySet());
    }

    /** An iterator of {@code view(key, value)} over the mappings. */
    private <E> Iterator<E> iterator(BiFunction<Object, Object, E> view) {
        return new TableIterator<>(table, view, table::remove);
    }

    private final class KeySet extends TransactionalSet<K> {
        @Override
        @SuppressWarnings("unchecked")
        public Iterator<K> iterator() {
            return TMap.this.iterator((k, v) -> (K) k);
        }

        @Override
        public int size() {
            return TMap.this.size();
        }

        @Override
        public boolean isEmpty() {
            return TMap.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            return containsKey(o);
        }

        @Override
        public boolean remove(Object o) {
            return TMap.this.remove(o) != null;
        }

        @Override
        public void clear() {
            TMap.this.clear();
        }
    }

    private final class Values extends TransactionalCollection<V> {
        @Override
        public Iterator<V> iterator() {
            return TMap.this.<V>iterator((k, v) -> cast(v));
        }

        @Override
        public int size() {
            return TMap.this.size();
        }

        @Override
        public boolean isEmpty() {
            return TMap.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            return containsValue(o);
        }

        @Override
        public void clear() {
            TMap.this.clear();
        }
    }

    private final class EntrySet extends TransactionalSet<Map.Entry<K, V>> {
        @Override
        @SuppressWarnings("unchecked")
        public Iterator<Map.Entry<K, V>> iterator() {
            return TMap.this.iterator((k, v) -> new MapEntry((K) k, cast(v)));
        }

        @Override
        public int size() {
            return TMap.this.size();
        }

        @Override
        public boolean isEmpty() {
            return TMap.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            if (!(o instanceof Map.Entry)) {
                return false;
            }
            Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
            Object k = e.getKey();
            Object v = e.getValue();
            return k != null && v != null && v.equals(get(k));
        }

        @Override
        public boolean remove(Object o) {
            if (!(o instanceof Map.Entry)) {
                return false;
            }
            Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
            Object k = e.getKey();
            return k != null && TMap.this.remove(k, e.getValue());
        }

        @Override
        public void clear() {
            TMap.this.clear();
        }
    }

    /** An iterator's entry: the key and the value it had; {@link #setValue} writes through with {@code put}. */
    private final class MapEntry implements Map.Entry<K, V> {
        private final K key;
        /** Confined to the thread using the iterator (like the iterator itself). */
        private V value;

        MapEntry(K key, V value) {
            this.key = key;
            this.value = value;
        }

        @Override
        public K getKey() {
            return key;
        }

        @Override
        public V getValue() {
            return value;
        }

        /** Maps the key to {@code v} in the map (in the running transaction, or atomically); returns the value this entry held. */
        @Override
        public V setValue(V v) {
            Objects.requireNonNull(v, NULL_VALUE);
            V old = value;
            put(key, v);
            value = v;
            return old;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Map.Entry)) {
                return false;
            }
            Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
            return key.equals(e.getKey()) && value.equals(e.getValue());
        }

        @Override
        public int hashCode() {
            return key.hashCode() ^ value.hashCode();
        }

        @Override
        public String toString() {
            return key + "=" + value;
        }
    }

    // ----------------------------------------------------------------- Object

    /** Map equality, decided in one transaction. */
    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof Map)) {
            return false;
        }
        Map<?, ?> other = (Map<?, ?>) o;
        return Atomically.call(() -> {
            if (other.size() != size()) {
                return false;
            }
            for (KeyTable.Cursor c = table.cursor(); c.next(); ) {
                Object v;
                try {
                    v = other.get(c.key());
                } catch (ClassCastException | NullPointerException unsupportedKey) {
                    return false; // a map that cannot hold our keys is not equal (as AbstractMap.equals)
                }
                if (v == null || !v.equals(c.value())) {
                    return false;
                }
            }
            return true;
        });
    }

    /** The sum of the entries' hash codes, computed in one transaction. */
    @Override
    public int hashCode() {
        return Atomically.call(() -> {
            int h = 0;
            for (KeyTable.Cursor c = table.cursor(); c.next(); ) {
                h += c.key().hashCode() ^ c.value().hashCode();
            }
            return h;
        });
    }

    /** {@code {k1=v1, k2=v2}} in iteration order, from one transaction. */
    @Override
    public String toString() {
        return Atomically.call(() -> {
            StringBuilder sb = new StringBuilder("{");
            for (KeyTable.Cursor c = table.cursor(); c.next(); ) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                Object k = c.key();
                sb.append(k == this ? "(this Map)" : k).append('=');
                Object v = c.value();
                sb.append(v == this ? "(this Map)" : v);
            }
            return sb.append('}').toString();
        });
    }
}
