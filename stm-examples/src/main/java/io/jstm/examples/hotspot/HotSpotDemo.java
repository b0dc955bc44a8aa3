package io.jstm.examples.hotspot;

import io.jstm.ConflictReport;
import io.jstm.LongRef;
import io.jstm.Stm;
import io.jstm.StmStatistics;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * "Why does my transaction abort?", answered by the conflict profiler.
 *
 * <p>An order book: each order moves stock from a warehouse bin to a customer
 * (per-item refs, rarely shared) and, deliberately, also bumps one shared
 * statistic, {@code orders-today}, with a read-modify-write. That one line
 * makes every pair of concurrent orders conflict. The demo runs with conflict
 * tracing on, prints the profiler's report (which names the ref and both
 * code sites), then runs the fixed version, where the statistic is updated with
 * {@link LongRef#commute}, and shows the aborts gone.
 *
 * <p>Usage: {@code hotspot [orders per thread=50000] [threads=2]}
 */
public final class HotSpotDemo {
    private HotSpotDemo() {}

    /** The shop's shared state. */
    static final class Shop {
        final LongRef[] stock;
        final LongRef[] bought;
        final LongRef ordersToday = LongRef.named("orders-today", 0);

        Shop(int items, int customers) {
            stock = new LongRef[items];
            for (int i = 0; i < items; i++) {
                stock[i] = LongRef.named("stock-" + i, 1_000_000);
            }
            bought = new LongRef[customers];
            for (int i = 0; i < customers; i++) {
                bought[i] = LongRef.named("customer-" + i, 0);
            }
        }

        /** The slow version: the statistic is read and written, so all orders conflict on it. */
        void placeOrder(int item, int customer) {
            Stm.atomic(() -> {
                stock[item].set(stock[item].get() - 1);
                bought[customer].set(bought[customer].get() + 1);
                ordersToday.set(ordersToday.get() + 1); // the hot spot
            });
        }

        /** The fix: a commutative update never conflicts with other commutes. */
        void placeOrderFixed(int item, int customer) {
            Stm.atomic(() -> {
                stock[item].set(stock[item].get() - 1);
                bought[customer].set(bought[customer].get() + 1);
                ordersToday.commute(n -> n + 1);
            });
        }
    }

    /** What one run measured. */
    public record Run(long orders, long ordersCounted, StmStatistics stats, ConflictReport report) {}

    public static Run run(int threads, int perThread, boolean fixed) throws InterruptedException {
        Shop shop = new Shop(4096, 4096);
        Stm.resetStatistics();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            workers.add(new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(seed + 42);
                for (int i = 0; i < perThread; i++) {
                    int item = rnd.nextInt(shop.stock.length), customer = rnd.nextInt(shop.bought.length);
                    if (fixed) {
                        shop.placeOrderFixed(item, customer);
                    } else {
                        shop.placeOrder(item, customer);
                    }
                }
            }, "orders-" + t));
        }
        for (Thread w : workers) {
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        return new Run((long) threads * perThread, shop.ordersToday.get(), Stm.statistics(), Stm.conflictReport());
    }

    public static void main(String[] args) throws InterruptedException {
        int perThread = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Stm.setConflictTracing(true);
        System.out.printf("hot-spot demo: %d threads x %,d orders, conflict tracing on%n%n", threads, perThread);

        Run slow = run(threads, perThread, false);
        System.out.println("== with the hot spot ==");
        System.out.println(slow.stats());
        System.out.println(slow.report().toString());
        slow.report().entries().stream().findFirst().ifPresent(top -> System.out.println(
                "=> the top conflict is on '" + top.refName() + "', touched at " + top.accessLocation()
                        + " and written by the winner at " + top.otherLocation() + "\n"));

        Run fixed = run(threads, perThread, true);
        System.out.println("== fixed with LongRef.commute ==");
        System.out.println(fixed.stats());
        System.out.printf("conflict aborts: %,d -> %,d; orders counted: %,d and %,d of %,d%n",
                slow.stats().conflictAborts(), fixed.stats().conflictAborts(), slow.ordersCounted(),
                fixed.ordersCounted(), slow.orders());
        Stm.setConflictTracing(false);
        if (slow.ordersCounted() != slow.orders() || fixed.ordersCounted() != fixed.orders()) {
            System.out.println("FAILED: an order was lost");
            System.exit(1);
        }
    }
}
