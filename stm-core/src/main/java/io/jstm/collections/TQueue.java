package io.jstm.collections;

import io.jstm.LongRef;
import io.jstm.Ref;
import io.jstm.Stm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Queue;
import java.util.function.Predicate;

/**
 * A transactional FIFO queue, unbounded or bounded, whose {@link #take()} and
 * {@link #put} block with {@link Stm#retry()}.
 *
 * <pre>{@code
 * TQueue<Job> jobs = new TQueue<>(100);
 * jobs.put(job);                       // blocks while 100 jobs wait
 * Job next = jobs.take();              // blocks while the queue is empty
 * Stm.atomic(() -> {                   // move one job atomically
 *     Job j = jobs.take();
 *     running.add(j);
 * });
 * }</pre>
 *
 * <p><b>Inside a transaction</b> ({@link Stm#atomic}) every operation, including
 * iteration, is part of it: an element taken is back in the queue if the
 * transaction rolls back, an element offered appears at commit.
 * <b>Outside a transaction</b> each call is atomic on its own, bulk operations
 * ({@link #addAll}, {@link #removeIf} ...) included. {@link #take()} and
 * {@link #put} inside a transaction retry the whole transaction: it re-runs once
 * something it read changes (so {@link Stm#orElse} can offer an alternative);
 * outside one they block until they can proceed. Interrupting a blocked thread
 * ends the wait with an unchecked {@link io.jstm.TransactionInterruptedException}
 * and leaves the interrupt flag set.
 *
 * <p><b>Scalability.</b> A linked list of immutable nodes with separate head and
 * tail refs: producers ({@link #offer}) write the tail and the last node's link,
 * consumers ({@link #poll}) write the head, so producers and consumers do not
 * conflict with each other unless the queue is empty (a consumer finding it
 * empty read the link a producer writes: a consumer in {@link #take()} is woken
 * that way). Producers conflict with producers and consumers with consumers,
 * as FIFO order requires. Each node carries its sequence number, so
 * {@link #size()} is the difference of the tail's and the head's, two reads.
 * A bounded queue's producers keep their own lower bound of the head's sequence
 * number and read the real head (conflicting with consumers) only when the
 * queue looks full by that bound.
 *
 * <p><b>Iterators</b> are fail-safe (never
 * {@code ConcurrentModificationException}) and weakly consistent like
 * {@code ConcurrentLinkedQueue}'s. Made inside a transaction, they walk the
 * queue lazily in it; made outside one, they iterate a snapshot taken atomically
 * when they were made. {@code Iterator.remove} removes that node from the queue
 * if it is still there. Removing from the middle ({@link #remove(Object)},
 * {@code Iterator.remove}) copies the nodes before the removed one, so it costs
 * time proportional to the element's position and conflicts with consumers.
 *
 * <p><b>Nulls.</b> Like every {@code java.util.concurrent} queue, a
 * {@code TQueue} does not allow null elements ({@link #poll()} returns null for
 * "empty"): adding null throws {@link NullPointerException}.
 *
 * @param <E> the type of elements
 */
public final class TQueue<E> extends TransactionalCollection<E> implements Queue<E> {
    private static final String NULL_ELEMENT = "TQueue does not allow null elements: poll() returns null for an empty queue";

    /**
     * A queue node. Immutable but for its link; the link ref is written only
     * while the node is the last one (by a producer appending after it), and
     * may be shared with a copy of the node that replaced it.
     */
    private static final class Node<E> {
        /** Null for the dummy node at the head. */
        final E item;
        /** Position: consecutive along the list, so size is {@code tail.seq - head.seq}. */
        final long seq;
        final Ref<Node<E>> next;
        /**
         * The element's identity, what iterators remove: the sequence number it was
         * offered at, kept by the copies {@link #removeFirst} and {@link #rebuildWithout}
         * make. Unique for the queue's life: offers take numbers above the tail's,
         * which never goes down. A number, not a pointer to the original node: that
         * node's link still leads along the old list, and would keep the removed
         * elements behind it reachable for as long as the copy is queued.
         */
        final long born;

        Node(E item, long seq, Ref<Node<E>> next) {
            this(item, seq, next, seq);
        }

        private Node(E item, long seq, Ref<Node<E>> next, long born) {
            this.item = item;
            this.seq = seq;
            this.next = next;
            this.born = born;
        }

        /** A copy of this node at position {@code seq}, linked to {@code next}. */
        Node<E> movedTo(long seq, Ref<Node<E>> next) {
            return new Node<>(item, seq, next, born);
        }
    }

    /** The dummy node; its successor is the first element. Written by consumers. */
    private final Ref<Node<E>> head;
    /** The last node (the dummy when empty). Written by producers. */
    private final Ref<Node<E>> tail;
    private final int capacity;
    /**
     * Bounded queues only (else null): a lower bound of {@code head.seq} plus the
     * capacity, kept by producers: while the tail's sequence number is below it
     * the queue cannot be full. Read and written by producers only.
     */
    private final LongRef limit;

    /** An unbounded queue. */
    public TQueue() {
        this(Integer.MAX_VALUE, false);
    }

    /**
     * A queue holding at most {@code capacity} elements: {@link #offer} returns
     * false and {@link #put} blocks while it is full.
     *
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public TQueue(int capacity) {
        this(capacity, true);
    }

    /** An unbounded queue holding the elements of {@code c}, in its iteration order. */
    public TQueue(Collection<? extends E> c) {
        this();
        addAll(c);
    }

    private TQueue(int capacity, boolean bounded) {
        if (capacity < 1) {
            throw new IllegalArgumentException("TQueue capacity must be at least 1, was " + capacity);
        }
        Node<E> dummy = new Node<>(null, 0, link());
        this.head = Ref.named("queue-head", dummy);
        this.tail = Ref.named("queue-tail", dummy);
        this.capacity = capacity;
        this.limit = bounded ? LongRef.named("queue-limit", capacity) : null;
    }

    private static <E> Ref<Node<E>> link() {
        return Ref.named("queue-link", null);
    }

    // ------------------------------------------------------------- producers

    /**
     * Appends {@code e}; false if the queue is bounded and full.
     * @throws NullPointerException if {@code e} is null
     */
    @Override
    public boolean offer(E e) {
        Objects.requireNonNull(e, NULL_ELEMENT);
        return Atomically.call(() -> offerIn(e));
    }

    /**
     * Appends {@code e}, or throws {@link IllegalStateException} if the queue is bounded and full.
     * @throws NullPointerException if {@code e} is null
     */
    @Override
    public boolean add(E e) {
        if (!offer(e)) {
            throw new IllegalStateException("TQueue full (capacity " + capacity + "); use offer or put");
        }
        return true;
    }

    /**
     * Appends {@code e}, blocking (with {@link Stm#retry()}) while the queue is
     * full. Inside a transaction, a full queue retries the whole transaction.
     * @throws NullPointerException if {@code e} is null
     */
    public void put(E e) {
        Objects.requireNonNull(e, NULL_ELEMENT);
        Atomically.run(() -> {
            if (!offerIn(e)) {
                Stm.retry();
            }
        });
    }

    /** Appends every element of {@code c} in one transaction (all or, if one does not fit, none outside a transaction). */
    @Override
    public boolean addAll(Collection<? extends E> c) {
        if (c == this) {
            throw new IllegalArgumentException("a TQueue cannot be added to itself");
        }
        return super.addAll(c);
    }

    private boolean offerIn(E e) {
        Node<E> t = tail.get();
        if (limit != null && t.seq >= limit.get() && !roomAfterAll(t)) {
            return false;
        }
        Node<E> n = new Node<>(e, t.seq + 1, link());
        t.next.set(n);
        tail.set(n);
        return true;
    }

    /** Slow path of a bounded offer that looked full: reads the real head (conflicting with consumers). */
    private boolean roomAfterAll(Node<E> t) {
        long h = head.get().seq;
        if (t.seq - h >= capacity) {
            return false;
        }
        limit.set(h + capacity);
        return true;
    }

    // ------------------------------------------------------------- consumers

    /** Removes and returns the first element, or null if the queue is empty. */
    @Override
    public E poll() {
        return Atomically.call(this::pollIn);
    }

    /**
     * Removes and returns the first element, blocking (with {@link Stm#retry()})
     * while the queue is empty. Inside a transaction, an empty queue retries the
     * whole transaction.
     */
    public E take() {
        return Atomically.call(() -> {
            E e = pollIn();
            if (e == null) {
                Stm.retry();
            }
            return e;
        });
    }

    /** Removes and returns the first element. @throws NoSuchElementException if the queue is empty */
    @Override
    public E remove() {
        E e = poll();
        if (e == null) {
            throw new NoSuchElementException("TQueue is empty");
        }
        return e;
    }

    /** The first element, or null if the queue is empty. */
    @Override
    public E peek() {
        return Atomically.call(() -> {
            Node<E> first = head.get().next.get();
            return first == null ? null : first.item;
        });
    }

    /** The first element. @throws NoSuchElementException if the queue is empty */
    @Override
    public E element() {
        E e = peek();
        if (e == null) {
            throw new NoSuchElementException("TQueue is empty");
        }
        return e;
    }

    private E pollIn() {
        Node<E> h = head.get();
        Node<E> first = h.next.get();
        if (first == null) {
            return null;
        }
        // The first node becomes the dummy: a copy without the item, sharing its
        // link, so that the queue does not keep the taken element alive (unless
        // it was the last one, which the tail still holds until the next offer:
        // replacing the tail too would make the consumer conflict with producers).
        head.set(new Node<>(null, first.seq, first.next));
        return first.item;
    }

    // --------------------------------------------------------------- queries

    /** The number of elements: reads the head and the tail. */
    @Override
    public int size() {
        return Atomically.call(() -> (int) Math.min(tail.get().seq - head.get().seq, Integer.MAX_VALUE));
    }

    /** Whether the queue is empty: reads only the head's side. */
    @Override
    public boolean isEmpty() {
        return Atomically.call(() -> head.get().next.get() == null);
    }

    /** The capacity given to the constructor, or {@link Integer#MAX_VALUE} for an unbounded queue. */
    public int capacity() {
        return capacity;
    }

    /** How many more elements fit ({@link Integer#MAX_VALUE} for an unbounded queue). */
    public int remainingCapacity() {
        return limit == null ? Integer.MAX_VALUE : capacity - size();
    }

    @Override
    public boolean contains(Object o) {
        if (o == null) {
            return false;
        }
        return Atomically.call(() -> {
            for (Node<E> n = head.get().next.get(); n != null; n = n.next.get()) {
                if (o.equals(n.item)) {
                    return true;
                }
            }
            return false;
        });
    }

    // -------------------------------------------------------------- removal

    /** Removes the first element equal to {@code o}; true if there was one. */
    @Override
    public boolean remove(Object o) {
        if (o == null) {
            return false;
        }
        return Atomically.call(() -> removeFirst(n -> o.equals(n.item)));
    }

    /**
     * Removes every element, in one transaction. Conflicts with producers (moves
     * the tail) unless the queue is empty: then it only reads the head's side.
     */
    @Override
    public void clear() {
        Atomically.run(() -> {
            if (head.get().next.get() != null) {
                Node<E> t = tail.get();
                // Keep the tail's sequence number: the head's only grows (see removeFirst).
                Node<E> dummy = new Node<>(null, t.seq, link());
                head.set(dummy);
                tail.set(dummy);
            }
        });
    }

    /**
     * Removes, in one transaction, every element {@code filter} accepts, keeping
     * the others in order. The filter runs inside the transaction and runs again
     * if it re-runs: it should be free of side effects.
     */
    @Override
    public boolean removeIf(Predicate<? super E> filter) {
        Objects.requireNonNull(filter, "removeIf(filter): filter is null");
        return Atomically.call(() -> rebuildWithout(filter));
    }

    @Override
    public boolean removeAll(Collection<?> c) {
        Objects.requireNonNull(c, "removeAll(c): c is null");
        return removeIf(c::contains);
    }

    @Override
    public boolean retainAll(Collection<?> c) {
        Objects.requireNonNull(c, "retainAll(c): c is null");
        return removeIf(e -> !c.contains(e));
    }

    /**
     * Unlinks the first node {@code match} accepts. The nodes before it are
     * replaced by copies whose sequence numbers are one higher, under a new
     * dummy, so sequence numbers stay consecutive and the head's only grows (the
     * producers' limit stays a lower bound). Reads the removed node's link, which
     * producers write only if it is the last node: then it also moves the tail.
     */
    private boolean removeFirst(Predicate<Node<E>> match) {
        Node<E> h = head.get();
        ArrayList<Node<E>> before = new ArrayList<>();
        Node<E> x;
        for (Node<E> p = h; ; p = x) {
            x = p.next.get();
            if (x == null) {
                return false;
            }
            if (match.test(x)) {
                break;
            }
            before.add(x);
        }
        boolean last = x.next.get() == null;
        Ref<Node<E>> link = x.next;
        Node<E> newTail = null;
        for (int i = before.size() - 1; i >= 0; i--) {
            Node<E> p = before.get(i);
            Node<E> copy = p.movedTo(p.seq + 1, link);
            if (newTail == null) {
                newTail = copy;
            }
            link = Ref.named("queue-link", copy);
        }
        Node<E> dummy = new Node<>(null, h.seq + 1, link);
        head.set(dummy);
        if (last) {
            tail.set(newTail != null ? newTail : dummy);
        }
        return true;
    }

    /** Replaces the whole list by one without the elements {@code filter} accepts; false if it accepts none. */
    private boolean rebuildWithout(Predicate<? super E> filter) {
        ArrayList<Node<E>> kept = new ArrayList<>();
        boolean removed = false;
        for (Node<E> n = head.get().next.get(); n != null; n = n.next.get()) {
            if (filter.test(n.item)) {
                removed = true;
            } else {
                kept.add(n);
            }
        }
        if (!removed) {
            return false;
        }
        // Keep the tail's sequence number: the head's only grows (see removeFirst).
        long seq = tail.get().seq;
        Ref<Node<E>> link = link();
        Node<E> newTail = null;
        for (int i = kept.size() - 1; i >= 0; i--) {
            Node<E> n = kept.get(i).movedTo(seq--, link);
            if (newTail == null) {
                newTail = n;
            }
            link = Ref.named("queue-link", n);
        }
        Node<E> dummy = new Node<>(null, seq, link);
        head.set(dummy);
        tail.set(newTail != null ? newTail : dummy);
        return true;
    }

    // ------------------------------------------------------------- iteration

    @Override
    int extraCharacteristics() {
        return java.util.Spliterator.ORDERED;
    }

    /** A fail-safe iterator in FIFO order; see the class comment. */
    @Override
    public Iterator<E> iterator() {
        return new Itr();
    }

    /** Used by one thread at a time, like any iterator: plain fields. */
    private final class Itr implements Iterator<E> {
        /** Lazy mode: the node last visited (initially the dummy); null in snapshot mode. */
        private Node<E> at;
        /** Snapshot mode: the nodes; null in lazy mode. */
        private final Object[] snapshot;
        private int pos;
        private Node<E> nextNode;
        private Node<E> lastNode;

        Itr() {
            if (Stm.inTransaction()) {
                at = head.get();
                snapshot = null;
            } else {
                snapshot = Stm.atomic(() -> {
                    ArrayList<Node<E>> nodes = new ArrayList<>();
                    for (Node<E> n = head.get().next.get(); n != null; n = n.next.get()) {
                        nodes.add(n);
                    }
                    return nodes.toArray();
                });
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public boolean hasNext() {
            if (nextNode != null) {
                return true;
            }
            if (snapshot != null) {
                if (pos == snapshot.length) {
                    return false;
                }
                nextNode = (Node<E>) snapshot[pos++];
                return true;
            }
            Node<E> from = at;
            Node<E> n = Atomically.call(from.next::get);
            if (n == null) {
                return false;
            }
            nextNode = at = n;
            return true;
        }

        @Override
        public E next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            lastNode = nextNode;
            nextNode = null;
            return lastNode.item;
        }

        /** Removes the last element returned, if its node is still in the queue (else does nothing). */
        @Override
        public void remove() {
            Node<E> target = lastNode;
            if (target == null) {
                throw new IllegalStateException("remove() needs a preceding next(), at most once per element");
            }
            lastNode = null;
            Atomically.call(() -> removeFirst(n -> n.born == target.born));
        }
    }
}
