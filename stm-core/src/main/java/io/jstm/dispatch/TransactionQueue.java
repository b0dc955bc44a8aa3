package io.jstm.dispatch;

import io.jstm.Stm;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A queue of tasks run in parallel, each as its own transaction, until none is
 * left (pypy-stm's {@code transaction.TransactionQueue}).
 *
 * <pre>{@code
 * TransactionQueue q = new TransactionQueue();
 * for (Node n : roots) q.add(() -> visit(n, q));   // visit may q.add(...) more work
 * q.run(4);                                         // returns when every task has run
 * }</pre>
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>{@link #run(int)} runs every queued task, each in its own
 *       {@code Stm.atomic} block, on {@code threads} threads (the caller's and
 *       {@code threads - 1} new ones), taking tasks in FIFO order, until the
 *       queue is empty and no task is running; tasks added meanwhile, by tasks
 *       or by other threads, run too. The result is as if the tasks had run one
 *       after another in some order. Tasks are re-run on conflict, so they must
 *       confine their side effects to refs (use {@link Stm#afterCommit} for I/O).</li>
 *   <li>{@link #runOrdered(int)} also runs tasks in parallel, but commits them
 *       strictly in FIFO order, so the result is exactly that of running the
 *       queue serially, first to last, with each task's additions appended as
 *       it runs. A task whose reads were changed by an earlier one is re-run,
 *       and one that throws before the earlier ones committed waits for them:
 *       its exception stands only if it still throws against their commits.
 *       If a task does throw, tasks after it that were already running may
 *       still commit before {@code runOrdered} stops (at most
 *       {@code threads - 1} of them).</li>
 *   <li>{@link #add} inside a transaction (for example from a running task)
 *       takes effect when that transaction commits, so an attempt rolled back
 *       by a conflict adds nothing, and a re-run does not add twice.</li>
 *   <li>If a task throws, its writes are rolled back, {@code run} takes no new
 *       task, waits for the running ones to finish, and rethrows the first
 *       exception unchanged (later ones added to it as suppressed). Tasks not
 *       started stay queued for the next {@code run}.</li>
 * </ul>
 *
 * <h2>Implementation overview</h2>
 * One lock guards the task deque and the state of the current run: the number
 * of tasks running, the first failure, and whether to stop. A worker takes the
 * first task under the lock (in ordered mode numbering it, so numbers follow
 * FIFO order) and runs it as a {@link TransactionalTask}; ordered commits are
 * arranged by a {@link CommitOrder}. A worker that finds the deque empty while
 * tasks still run waits on {@link #changed}, since a running task may add more:
 * its additions are queued by its after-commit action, which runs before the
 * worker counts the task as finished, so "deque empty and none running" is
 * final. Workers wait with {@code Condition}s (no {@code synchronized}: virtual
 * threads are not pinned).
 */
public final class TransactionQueue {

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a task is added, when the last running task finishes, and when a run must stop. */
    private final Condition changed = lock.newCondition();
    /** Guarded by lock. */
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    // State of the current run, all guarded by lock.
    private boolean running;
    private int active;
    private boolean stopping;
    private Throwable failure;
    private long nextSeq;

    /** An empty queue. */
    public TransactionQueue() {}

    /**
     * Appends {@code task}. Outside a transaction, at once; inside one (for
     * example from a running task), when that transaction commits. May be
     * called while {@code run} runs, from any thread.
     */
    public void add(Runnable task) {
        Objects.requireNonNull(task, "TransactionQueue.add(task): task is null");
        if (Stm.inTransaction()) {
            Stm.afterCommit(() -> enqueue(task));
        } else {
            enqueue(task);
        }
    }

    /** Tasks queued and not started. */
    public int size() {
        lock.lock();
        try {
            return tasks.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs every task, in parallel on {@code threads} threads, each as its own
     * transaction, until the queue is empty and no task runs.
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     * @throws IllegalStateException    inside a transaction, or while another {@code run} of this queue runs
     */
    public void run(int threads) {
        run(threads, false);
    }

    /**
     * Like {@link #run(int)}, but tasks commit in FIFO order: the result is
     * exactly that of a serial run of the queue.
     */
    public void runOrdered(int threads) {
        run(threads, true);
    }

    private void enqueue(Runnable task) {
        lock.lock();
        try {
            tasks.addLast(task);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run(int threads, boolean ordered) {
        if (threads < 1) {
            throw new IllegalArgumentException("TransactionQueue.run(" + threads + "): needs at least one thread");
        }
        if (Stm.inTransaction()) {
            throw new IllegalStateException("TransactionQueue.run(...) called inside a transaction; it runs each task "
                    + "as its own transaction: call it outside Stm.atomic(...)");
        }
        lock.lock();
        try {
            if (running) {
                throw new IllegalStateException("TransactionQueue.run(...) is already running on this queue; "
                        + "add(...) tasks to it instead");
            }
            running = true;
            active = 0;
            stopping = false;
            failure = null;
            nextSeq = 0;
        } finally {
            lock.unlock();
        }
        CommitOrder order = ordered ? new CommitOrder("TransactionQueue.commitOrder", threads) : null;
        Thread[] helpers = new Thread[threads - 1];
        Throwable first;
        try {
            for (int i = 0; i < helpers.length; i++) {
                Thread t = new Thread(() -> work(order), "jstm-queue-" + (i + 1));
                t.setDaemon(true);
                t.start();
                helpers[i] = t;
            }
            work(order);
        } finally {
            joinAll(helpers);
            lock.lock();
            try {
                running = false;
                first = failure;
                failure = null;
            } finally {
                lock.unlock();
            }
        }
        if (first != null) {
            throw sneaky(first);
        }
    }

    /** A worker: takes and runs tasks until the run is over. */
    private void work(CommitOrder order) {
        for (;;) {
            Task task = take();
            if (task == null) {
                return;
            }
            Throwable f = task.execute(order);
            finished(f);
        }
    }

    /** The next task (numbered, in FIFO order), or null when the run is over for this worker. */
    private Task take() {
        lock.lock();
        try {
            for (;;) {
                if (stopping) {
                    return null;
                }
                Runnable r = tasks.pollFirst();
                if (r != null) {
                    active++;
                    Task t = new Task(r);
                    t.seq = nextSeq++;
                    return t;
                }
                if (active == 0) {
                    changed.signalAll(); // the run is over: release every waiting worker
                    return null;
                }
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    private void finished(Throwable f) {
        lock.lock();
        try {
            active--;
            if (f != null) {
                if (failure == null) {
                    failure = f;
                } else if (failure != f) {
                    failure.addSuppressed(f);
                }
                stopping = true;
            }
            if (active == 0 || stopping) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private static void joinAll(Thread[] threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t != null) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One queued task run as a transaction. */
    private static final class Task extends TransactionalTask {
        private final Runnable task;

        Task(Runnable task) {
            this.task = task;
        }

        @Override
        void body() {
            task.run();
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
