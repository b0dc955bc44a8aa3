package io.jstm.examples.bank;

import io.jstm.LongRef;
import io.jstm.Stm;

/** The bank on jstm: one {@link LongRef} per account, each operation one atomic block. */
public final class StmBank implements Bank {
    private final LongRef[] balance;

    public StmBank(int accounts, long initial) {
        balance = new LongRef[accounts];
        for (int i = 0; i < accounts; i++) {
            balance[i] = LongRef.named("account-" + i, initial);
        }
    }

    @Override
    public void transfer(int from, int to, long amount) {
        Stm.atomic(() -> {
            balance[from].set(balance[from].get() - amount);
            balance[to].set(balance[to].get() + amount);
        });
    }

    @Override
    public long audit() {
        return Stm.atomic(() -> {
            long sum = 0;
            for (LongRef b : balance) {
                sum += b.get();
            }
            return sum;
        });
    }

    @Override
    public int accounts() {
        return balance.length;
    }

    @Override
    public String name() {
        return "jstm";
    }
}
