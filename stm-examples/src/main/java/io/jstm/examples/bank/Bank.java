package io.jstm.examples.bank;

/**
 * A bank of accounts with transfers and audits; one implementation per
 * concurrency control, the same logic in each.
 */
public interface Bank {
    /** Moves {@code amount} from one account to another, atomically. */
    void transfer(int from, int to, long amount);

    /** The sum of every balance, taken atomically (one consistent snapshot). */
    long audit();

    int accounts();

    /** A short name for reports. */
    String name();
}
