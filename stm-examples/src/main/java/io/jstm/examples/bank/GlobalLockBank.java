package io.jstm.examples.bank;

import java.util.concurrent.locks.ReentrantLock;

/** The same bank under one global lock: Python's GIL, in Java. */
public final class GlobalLockBank implements Bank {
    private final long[] balance;
    private final ReentrantLock gil = new ReentrantLock();

    public GlobalLockBank(int accounts, long initial) {
        balance = new long[accounts];
        java.util.Arrays.fill(balance, initial);
    }

    @Override
    public void transfer(int from, int to, long amount) {
        gil.lock();
        try {
            balance[from] -= amount;
            balance[to] += amount;
        } finally {
            gil.unlock();
        }
    }

    @Override
    public long audit() {
        gil.lock();
        try {
            long sum = 0;
            for (long b : balance) {
                sum += b;
            }
            return sum;
        } finally {
            gil.unlock();
        }
    }

    @Override
    public int accounts() {
        return balance.length;
    }

    @Override
    public String name() {
        return "global lock";
    }
}
