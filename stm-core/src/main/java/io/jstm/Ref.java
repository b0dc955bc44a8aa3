package io.jstm;

import io.jstm.internal.CellNames;
import io.jstm.internal.Direct;
import io.jstm.internal.ObjectCell;
import io.jstm.internal.Transaction;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A versioned reference: the unit of shared state that {@link Stm#atomic}
 * blocks read and write.
 *
 * <p><b>Inside a transaction</b> every method is transactional: reads see the
 * transaction's consistent snapshot (plus its own writes), writes are buffered
 * and become visible to other threads all at once when the transaction commits,
 * or never if it rolls back.
 *
 * <p><b>Outside a transaction</b> each call is its own tiny transaction:
 * {@link #get()} returns the latest committed value and {@link #set} commits at
 * once, conflicting correctly with running transactions (one that read this ref
 * will re-run).
 *
 * <p>{@code null} is a legal value. A {@code Ref} is 32 bytes plus its value
 * (12-byte header, 8-byte versioned lock word, value, name and history pointers).
 *
 * @param <T> the type of the value
 */
public final class Ref<T> extends ObjectCell {
    /** Set at construction; null means a generated description. */
    private final String name;

    private Ref(String name, T initial) {
        super(initial);
        this.name = name;
    }

    /** A new ref holding {@code initial} (may be null). */
    public static <T> Ref<T> of(T initial) {
        return new Ref<>(null, initial);
    }

    /** A new ref whose {@code name} shows up in abort info and conflict reports. */
    public static <T> Ref<T> named(String name, T initial) {
        Objects.requireNonNull(name, "Ref.named(name, initial): name is null; use Ref.of(initial) for an unnamed ref");
        return new Ref<>(name, initial);
    }

    /** The name given to {@link #named}, or a stable generated description such as {@code Ref#17}. */
    @Override
    public String name() {
        return name != null ? name : CellNames.describe(this, "Ref");
    }

    /** The value: this transaction's view inside one, the latest committed value outside. */
    @SuppressWarnings("unchecked")
    public T get() {
        Transaction tx = Transaction.active();
        return (T) (tx != null ? tx.readObject(this) : Direct.readObject(this));
    }

    /** Sets the value: buffered until commit inside a transaction, committed at once outside. */
    public void set(T value) {
        Transaction tx = Transaction.active();
        if (tx != null) {
            tx.writeObject(this, value);
        } else {
            Direct.getAndSetObject(this, value);
        }
    }

    /** Sets the value and returns the previous one, atomically. */
    @SuppressWarnings("unchecked")
    public T getAndSet(T value) {
        Transaction tx = Transaction.active();
        if (tx != null) {
            T old = (T) tx.readObject(this);
            tx.writeObject(this, value);
            return old;
        }
        return (T) Direct.getAndSetObject(this, value);
    }

    /**
     * Applies {@code f} to the value and stores the result, atomically; returns the
     * previous value. Outside a transaction {@code f} may run more than once (it
     * runs in a transaction that re-runs on conflict), so it should be pure.
     */
    public T getAndUpdate(UnaryOperator<T> f) {
        Objects.requireNonNull(f, "getAndUpdate(f): f is null");
        return Stm.atomic(() -> {
            T old = get();
            set(f.apply(old));
            return old;
        });
    }

    /** Like {@link #getAndUpdate} but returns the new value. */
    public T updateAndGet(UnaryOperator<T> f) {
        Objects.requireNonNull(f, "updateAndGet(f): f is null");
        return Stm.atomic(() -> {
            T v = f.apply(get());
            set(v);
            return v;
        });
    }

    /**
     * A commutative update. Inside a transaction, {@code f} is applied to the ref's
     * latest committed value when the transaction commits, so transactions that only
     * commute the same ref never conflict with each other (a hot counter scales).
     * If the transaction reads the ref afterwards, the pending functions are
     * applied first and the access becomes an ordinary read (and can conflict). On
     * a ref the transaction already wrote, {@code f} is applied to that value at once.
     * Outside a transaction: an atomic update.
     *
     * <p>{@code f} may run more than once (and at commit time, on the committing
     * thread), so it must be pure: no side effects, no transactional reads.
     *
     * <p>At commit, a commuted ref that another transaction is committing, or that
     * an inevitable transaction holds, is waited for, not lost as a conflict; after a
     * bounded wait (about 1.7 ms of short parks) the committing transaction becomes
     * inevitable itself (counted in {@link StmStatistics#escalations()}), so it still finishes.
     */
    public void commute(UnaryOperator<T> f) {
        Objects.requireNonNull(f, "commute(f): f is null");
        Transaction tx = Transaction.active();
        if (tx != null) {
            tx.commuteObject(this, f);
        } else {
            updateAndGet(f);
        }
    }

    /** The name; never the value (reading it here could touch a transaction). */
    @Override
    public String toString() {
        return "Ref[" + name() + "]";
    }
}
