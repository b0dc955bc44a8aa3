package io.jstm.dispatch;

import io.jstm.Stm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs event handlers on a thread pool, each in its own transaction, so that
 * handlers appear to run one at a time while really running in parallel
 * (pypy-stm's promise for event-driven programs).
 *
 * <pre>{@code
 * try (EventDispatcher d = EventDispatcher.create(4)) {
 *     d.on(Deposit.class, e -> account(e.id()).getAndAdd(e.amount()));
 *     d.on(Event.class, e -> audit.set(audit.get() + 1));   // also sees every Deposit
 *     CompletableFuture<Void> done = d.publish(new Deposit(7, 100));
 *     done.join();                                            // both handlers committed
 * }
 * }</pre>
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>{@link #publish} runs every handler registered (with {@link #on}) for
 *       the event's class or one of its supertypes, each as its own
 *       {@code Stm.atomic} block on the pool. A handler is re-run on conflict
 *       like any atomic block, so it must confine its side effects to refs (use
 *       {@link Stm#afterCommit} for I/O). The returned future completes when
 *       every handler of the event has finished: normally if all committed,
 *       else exceptionally with the first failure (later ones added to it as
 *       suppressed exceptions). A failing handler is rolled back; it kills no
 *       pool thread and affects no other handler or event.</li>
 *   <li>Handler order: an event's handlers are started in registration order
 *       (across all matching types); in ordered mode they also commit in that
 *       order.</li>
 *   <li>{@link #submit} runs one task as one transaction on the pool.</li>
 *   <li><b>Bounded intake.</b> At most {@code capacity} events and tasks are
 *       accepted and unfinished at once (default {@value #DEFAULT_CAPACITY});
 *       beyond that {@code publish} waits or fails, see {@link WhenFull}.</li>
 *   <li><b>Ordered mode</b> ({@link Builder#ordered}): handlers still run in
 *       parallel, but commit strictly in intake order (publish order, then
 *       handler order within an event; submitted tasks take their place in the
 *       same order), so the end state, and every value a handler read, equal a
 *       serial run in that order. A handler whose reads were changed by an
 *       earlier event is re-run (so parallelism comes from handlers that do not
 *       depend on each other). A handler that throws before the events ahead
 *       of it have committed waits for them, and its exception stands only if
 *       it still throws against their commits (as in the serial run). After-commit
 *       actions also run in that order. As in a serial run, a handler must not
 *       wait for a later event: one that calls {@link Stm#retry()} until a
 *       later event's handler changes something, or waits for a later event's
 *       future, waits forever (use unordered mode for such hand-offs).
 *       Avoid {@link Stm#becomeInevitable()} in ordered handlers: an
 *       inevitable attempt that finishes before its turn must be rolled back
 *       and re-run (waiting while inevitable could deadlock), repeating its
 *       I/O; do I/O in {@link Stm#afterCommit} instead.</li>
 *   <li><b>Inside a transaction</b>, {@code publish} and {@code submit} take
 *       effect when that transaction commits (not at all if it rolls back, in
 *       which case the returned future is cancelled), so a handler re-run after
 *       a conflict does not publish twice.</li>
 *   <li>{@link #close} stops accepting, waits until everything accepted has
 *       finished (futures completed), then shuts down the dispatcher's own pool
 *       (never a pool given to it).</li>
 * </ul>
 *
 * <h2>Implementation overview</h2>
 * One lock guards the intake: a FIFO queue of handler invocations, the count
 * of unfinished events (the capacity), the worker count, and the closed flag.
 * There is no separate dispatcher thread: {@code publish} enqueues one
 * {@code Invocation} per handler and starts workers on the pool, at most
 * {@code parallelism} of them; a worker takes invocations from the queue (in
 * ordered mode numbering them, under the lock, so numbers follow queue order)
 * and runs each as a {@link TransactionalTask}, and leaves the pool when the
 * queue is empty. A {@code Job} per event counts its unfinished invocations;
 * the last one to finish records the statistics, frees the capacity slot,
 * completes the future and then lets {@code close} know. Ordered commits are
 * arranged by a {@link CommitOrder}. Because workers take invocations in
 * order and keep them to the end, ordered mode never deadlocks, whatever the
 * pool's own queueing order, as long as the pool runs the worker on another
 * thread (a caller-runs executor such as {@code Runnable::run} is not
 * supported in ordered mode).
 *
 * <h2>Threading</h2>
 * All methods are thread-safe. Future callbacks attached with the non-async
 * {@code CompletableFuture} methods run on a pool worker: keep them short. A
 * handler that blocks ({@link Stm#retry()}, or a wait on an event's future)
 * holds its worker meanwhile: if every worker waits for an event still queued
 * behind them, nothing moves, so keep the parallelism above the number of
 * handlers that may wait at once.
 */
public final class EventDispatcher implements AutoCloseable {

    /** Default {@link Builder#capacity(int)}: events and tasks accepted and unfinished at once. */
    public static final int DEFAULT_CAPACITY = 1024;
    /** Highest {@link Builder#parallelism(int)} and {@link Builder#threads(int)}. */
    public static final int MAX_PARALLELISM = 1 << 15;
    /** Upper bound of the parallelism guessed for a given pool of unknown or unbounded size. */
    private static final int INFERRED_PARALLELISM_LIMIT = 256;

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** The dispatcher whose worker loop runs on this thread, if any. */
    private static final ThreadLocal<EventDispatcher> WORKER_OF = new ThreadLocal<>();

    // ------------------------------------------------------------ configuration

    private final String name;
    private final Executor pool;
    /** The pool this dispatcher created (and shuts down on close), or null for a given one. */
    private final ThreadPoolExecutor ownPool;
    private final int parallelism;
    private final int capacity;
    private final WhenFull whenFull;
    /** Non-null in ordered mode. */
    private final CommitOrder order;
    private final Runnable workerLoop = this::workerLoop;

    // ----------------------------------------------------------------- handlers

    private record Registration(Class<?> type, Consumer<Object> handler, HandlerCounters counters) {}

    /** The handlers matching one event class, computed from {@code source}. */
    private record Match(Registration[] source, Registration[] handlers) {}

    /**
     * Every registration, in order. Copy-on-write under {@link #lock}; read
     * racily (volatile) by publishers, which see either the old or the new array.
     */
    private volatile Registration[] registrations = new Registration[0];
    /** Handlers per concrete event class; an entry is valid while its source is the current registrations array. */
    private final ConcurrentHashMap<Class<?>, Match> matches = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Class<?>, HandlerCounters> countersByType = new ConcurrentHashMap<>();
    private final HandlerCounters taskCounters = new HandlerCounters();

    // ------------------------------------------------------------------- intake

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when an event finishes (room for a blocked publisher) and on close. */
    private final Condition notFull = lock.newCondition();
    /** Signalled when the last accepted event's future has completed. */
    private final Condition idle = lock.newCondition();
    /** Invocations accepted and not yet taken. Guarded by lock. */
    private final ArrayDeque<Invocation> queue = new ArrayDeque<>();
    /** Events and tasks accepted whose capacity slot is not yet freed. Guarded by lock. */
    private int unfinished;
    /** Events and tasks accepted whose future is not yet completed (close waits for 0). Guarded by lock. */
    private int pending;
    /** Worker loops started and not yet exited. Guarded by lock. */
    private int workers;
    /** Next sequence number (ordered mode). Guarded by lock. */
    private long nextSeq;
    /** Written under lock; volatile so that the in-transaction fast check can read it without the lock. */
    private volatile boolean closed;

    // --------------------------------------------------------------- statistics

    private final LongAdder published = new LongAdder();
    private final LongAdder submitted = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder unhandled = new LongAdder();

    private EventDispatcher(Builder b) {
        this.name = b.name != null ? b.name : "jstm-dispatch-" + INSTANCES.incrementAndGet();
        if (b.executor != null) {
            this.pool = b.executor;
            this.ownPool = null;
            this.parallelism = b.parallelism > 0 ? b.parallelism : inferParallelism(b.executor);
        } else {
            int threads = b.threads > 0 ? b.threads : Runtime.getRuntime().availableProcessors();
            this.ownPool = newPool(name, threads);
            this.pool = ownPool;
            this.parallelism = b.parallelism > 0 ? Math.min(b.parallelism, threads) : threads;
        }
        this.capacity = b.capacity;
        this.whenFull = b.whenFull;
        this.order = b.ordered ? new CommitOrder(name + ".commitOrder", parallelism) : null;
    }

    /** A dispatcher with its own pool of {@code threads} threads (shut down by {@link #close}), default settings otherwise. */
    public static EventDispatcher create(int threads) {
        return builder().threads(threads).build();
    }

    /**
     * A dispatcher running handlers on {@code pool} (for example a
     * virtual-thread-per-task executor), default settings otherwise. The pool
     * is not shut down by {@link #close}.
     */
    public static EventDispatcher create(Executor pool) {
        return builder().executor(pool).build();
    }

    /** A builder for the other settings: capacity, what to do when full, ordered mode, parallelism. */
    public static Builder builder() {
        return new Builder();
    }

    // --------------------------------------------------------------------- API

    /**
     * Registers {@code handler} for events of class {@code type} and its
     * subclasses (or implementations, for an interface). Applies to events
     * published after this returns; inside a transaction, after it commits
     * (not at all if it rolls back). One handler may be registered more than
     * once; it then runs once per registration.
     */
    @SuppressWarnings("unchecked")
    public <E> void on(Class<E> type, Consumer<? super E> handler) {
        Objects.requireNonNull(type, "on(type, handler): type is null");
        Objects.requireNonNull(handler, "on(type, handler): handler is null");
        if (Stm.inTransaction()) {
            // Like publish and submit: only the attempt that commits registers (once).
            Stm.afterCommit(() -> on(type, handler));
            return;
        }
        HandlerCounters counters = countersByType.computeIfAbsent(type, t -> new HandlerCounters());
        Registration r = new Registration(type, (Consumer<Object>) handler, counters);
        lock.lock();
        try {
            Registration[] old = registrations;
            Registration[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = r;
            registrations = grown;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs every handler registered for {@code event}'s class, each in its own
     * transaction on the pool. Inside a transaction, takes effect when it commits.
     *
     * @return completes when every handler has finished: normally if all
     *         committed, else exceptionally with the first failure. Already
     *         complete if no handler matches.
     * @throws IllegalStateException      if the dispatcher is closed
     * @throws RejectedExecutionException if the dispatcher is full and set to
     *         {@link WhenFull#FAIL}, or the wait for room was interrupted
     *         (outside a transaction; inside one, the future fails with these instead)
     */
    public CompletableFuture<Void> publish(Object event) {
        Objects.requireNonNull(event, "publish(event): event is null");
        if (Stm.inTransaction()) {
            return afterCommit(() -> publish(event));
        }
        Registration[] handlers = handlersFor(event.getClass());
        if (handlers.length == 0) {
            if (refuses(WORKER_OF.get() == this)) {
                throw closedException();
            }
            unhandled.increment();
            return CompletableFuture.completedFuture(null);
        }
        Job<Void> job = new Job<>(handlers.length);
        Invocation[] invocations = new Invocation[handlers.length];
        for (int i = 0; i < handlers.length; i++) {
            invocations[i] = new Invocation(job, handlers[i], event, null);
        }
        accept(invocations, published);
        return job.future;
    }

    /**
     * Runs {@code task} as one transaction on the pool. Inside a transaction,
     * takes effect when it commits.
     *
     * @return completes with the value returned by the attempt that committed,
     *         or exceptionally with the task's exception (its writes rolled back)
     * @throws IllegalStateException      if the dispatcher is closed
     * @throws RejectedExecutionException as for {@link #publish}
     */
    public <T> CompletableFuture<T> submit(Supplier<T> task) {
        Objects.requireNonNull(task, "submit(task): task is null");
        if (Stm.inTransaction()) {
            return afterCommit(() -> submit(task));
        }
        Job<T> job = new Job<>(1);
        accept(new Invocation[] {new Invocation(job, null, null, task)}, submitted);
        return job.future;
    }

    /**
     * Stops accepting events and tasks ({@code publish} and {@code submit} then
     * throw {@link IllegalStateException}; publishers blocked for room fail
     * too), waits until every accepted one has finished and its future has
     * completed, then shuts down the dispatcher's own pool and waits for its
     * threads. Idempotent. An interrupt does not end the wait; the interrupt
     * flag is kept. The follow-ups that accepted work publishes or submits on
     * the dispatcher's workers (from a handler, a task, or a callback on their
     * futures) are still accepted and waited for, so a chain of events started
     * before {@code close} runs to its end.
     *
     * @throws IllegalStateException if called from one of this dispatcher's
     *         handlers or future callbacks (it would wait for itself)
     */
    @Override
    public void close() {
        if (WORKER_OF.get() == this) {
            throw new IllegalStateException("EventDispatcher.close() called on one of its own workers (from a handler "
                    + "or a future callback); it would wait for itself to finish: close it from another thread");
        }
        lock.lock();
        try {
            closed = true;
            notFull.signalAll();
            while (pending > 0) {
                idle.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        if (ownPool != null) {
            ownPool.shutdown();
            awaitTermination(ownPool);
        }
    }

    /** Handler runs and tasks accepted but not started yet. */
    public int queueDepth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Counters since creation: events, failures, rejections, queue depth, and per event type conflicts and retries. */
    public DispatchStatistics statistics() {
        int depth;
        int inFlight;
        lock.lock();
        try {
            depth = queue.size();
            inFlight = unfinished;
        } finally {
            lock.unlock();
        }
        Map<Class<?>, HandlerStatistics> byType = new LinkedHashMap<>();
        for (Registration r : registrations) {
            byType.computeIfAbsent(r.type, t -> r.counters.snapshot());
        }
        return new DispatchStatistics(published.sum(), submitted.sum(), completed.sum(), failed.sum(),
                rejected.sum(), unhandled.sum(), depth, inFlight, byType, taskCounters.snapshot());
    }

    @Override
    public String toString() {
        return "EventDispatcher[" + name + ", parallelism=" + parallelism + ", capacity=" + capacity
                + ", whenFull=" + whenFull + (order != null ? ", ordered" : "") + (closed ? ", closed" : "") + "]";
    }

    // ------------------------------------------------------------------ intake

    private Registration[] handlersFor(Class<?> eventClass) {
        Registration[] all = registrations;
        Match m = matches.get(eventClass);
        if (m != null && m.source == all) {
            return m.handlers;
        }
        List<Registration> found = new ArrayList<>();
        for (Registration r : all) {
            if (r.type.isAssignableFrom(eventClass)) {
                found.add(r);
            }
        }
        Registration[] handlers = found.toArray(new Registration[0]);
        matches.put(eventClass, new Match(all, handlers));
        return handlers;
    }

    /** Enqueues one event's (or task's) invocations, waiting for room or refusing; starts workers. */
    private void accept(Invocation[] invocations, LongAdder acceptedCounter) {
        boolean fromWorker = WORKER_OF.get() == this;
        int toStart;
        lock.lock();
        try {
            for (;;) {
                if (refuses(fromWorker)) {
                    throw closedException();
                }
                if (unfinished < capacity) {
                    break;
                }
                if (whenFull == WhenFull.FAIL) {
                    rejected.increment();
                    throw new RejectedExecutionException("the event dispatcher is full: " + capacity + " events and "
                            + "tasks are accepted and unfinished (WhenFull.FAIL); retry later, or build it with a "
                            + "larger capacity(...) or whenFull(WhenFull.BLOCK)");
                }
                if (fromWorker) {
                    break; // only workers make room: a worker waiting for room could wait forever
                }
                try {
                    notFull.await();
                } catch (InterruptedException e) {
                    notFull.signal(); // pass on a wake-up this thread may have consumed
                    rejected.increment();
                    Thread.currentThread().interrupt();
                    throw new RejectedExecutionException("interrupted while waiting for room in the full event "
                            + "dispatcher (WhenFull.BLOCK); the event was not accepted", e);
                }
            }
            unfinished++;
            pending++;
            acceptedCounter.increment();
            for (Invocation inv : invocations) {
                queue.addLast(inv);
            }
            toStart = Math.max(0, Math.min(parallelism - workers, queue.size()));
            workers += toStart;
        } finally {
            lock.unlock();
        }
        startWorkers(toStart);
    }

    /** Defers a publish or submit made inside a transaction to its commit. */
    private <T> CompletableFuture<T> afterCommit(Supplier<CompletableFuture<T>> action) {
        if (refuses(WORKER_OF.get() == this)) {
            throw closedException();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        Stm.afterCommit(() -> {
            try {
                action.get().whenComplete((value, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                    } else {
                        result.complete(value);
                    }
                });
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        Stm.afterRollback(() -> result.cancel(false));
        return result;
    }

    /**
     * Whether a publish or submit is refused: once closed, except from this
     * dispatcher's own workers, whose follow-ups are part of work accepted before
     * close, which waits for them (pending > 0 while the worker's event is unfinished).
     */
    private boolean refuses(boolean fromWorker) {
        return closed && !fromWorker;
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("dispatcher is closed: close() was called, so it accepts no more events "
                + "or tasks");
    }

    // ----------------------------------------------------------------- workers

    private void startWorkers(int n) {
        for (int i = 0; i < n; i++) {
            try {
                pool.execute(workerLoop);
            } catch (RuntimeException | Error e) {
                workersNotStarted(n - i, e);
                return;
            }
        }
    }

    /**
     * The pool refused a worker. If no worker is left to drain the queue, the
     * queued invocations fail with the pool's refusal (nothing was taken, so
     * no commit order is disturbed).
     */
    private void workersNotStarted(int count, Throwable cause) {
        List<Invocation> orphans = new ArrayList<>();
        lock.lock();
        try {
            workers -= count;
            if (workers == 0) {
                orphans.addAll(queue);
                queue.clear();
            }
        } finally {
            lock.unlock();
        }
        for (Invocation inv : orphans) {
            RejectedExecutionException e = new RejectedExecutionException("the pool refused to run the event "
                    + "dispatcher's worker (was it shut down before the dispatcher was closed?)", cause);
            inv.job.finishOne(this, e, null);
        }
    }

    /** A worker: takes invocations until the queue is empty, then leaves the pool thread. */
    private void workerLoop() {
        EventDispatcher outer = WORKER_OF.get();
        WORKER_OF.set(this);
        boolean exited = false;
        try {
            for (;;) {
                Invocation inv;
                lock.lock();
                try {
                    inv = queue.pollFirst();
                    if (inv == null) {
                        workers--;
                        exited = true;
                        return;
                    }
                    if (order != null) {
                        inv.seq = nextSeq++;
                    }
                } finally {
                    lock.unlock();
                }
                Throwable failure = inv.execute(order);
                HandlerCounters counters = inv.registration != null ? inv.registration.counters : taskCounters;
                counters.record(inv, failure);
                inv.job.finishOne(this, failure, inv.result);
            }
        } finally {
            if (outer == null) {
                WORKER_OF.remove();
            } else {
                WORKER_OF.set(outer);
            }
            if (!exited) {
                replaceDeadWorker();
            }
        }
    }

    /**
     * A worker loop ended by an unexpected throwable (nothing above throws in
     * normal operation, not even for failing handlers): start a replacement so
     * that queued invocations are not stranded.
     */
    private void replaceDeadWorker() {
        int toStart;
        lock.lock();
        try {
            workers--;
            toStart = queue.isEmpty() || workers >= parallelism ? 0 : 1;
            workers += toStart;
        } finally {
            lock.unlock();
        }
        startWorkers(toStart);
    }

    /** Called by the last invocation of a job, before its future completes: frees its capacity slot. */
    private void freeSlot(boolean success) {
        (success ? completed : failed).increment();
        lock.lock();
        try {
            unfinished--;
            notFull.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Called after a job's future completed: lets close() return once nothing is pending. */
    private void jobDone() {
        lock.lock();
        try {
            if (--pending == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** One handler run for one event, or one submitted task. */
    private static final class Invocation extends TransactionalTask {
        final Job<?> job;
        /** The handler's registration, or null for a submitted task. */
        final Registration registration;
        final Object event;
        final Supplier<?> task;
        /** The task's result; the committed attempt's write is the last. */
        Object result;

        Invocation(Job<?> job, Registration registration, Object event, Supplier<?> task) {
            this.job = job;
            this.registration = registration;
            this.event = event;
            this.task = task;
        }

        @Override
        void body() {
            if (task != null) {
                result = task.get();
            } else {
                registration.handler.accept(event);
            }
        }
    }

    /**
     * One accepted event or task: counts its unfinished invocations and keeps
     * the first failure. Finishing invocations race on both words (VarHandles
     * with volatile CAS); the last one to finish completes the future.
     */
    private static final class Job<T> {
        private static final VarHandle REMAINING;
        private static final VarHandle FAILURE;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                REMAINING = l.findVarHandle(Job.class, "remaining", int.class);
                FAILURE = l.findVarHandle(Job.class, "failure", Throwable.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final CompletableFuture<T> future = new CompletableFuture<>();
        /** Invocations not finished; decremented atomically, the one reaching 0 completes the job. */
        @SuppressWarnings("unused")
        private volatile int remaining;
        /** The first failure, set once by CAS; later failures become its suppressed exceptions. */
        private volatile Throwable failure;

        Job(int invocations) {
            this.remaining = invocations;
        }

        /**
         * Records one finished invocation; the last one frees the capacity slot,
         * completes the future (with {@code result}, a task's value, if all
         * succeeded) and tells the dispatcher.
         */
        @SuppressWarnings("unchecked")
        void finishOne(EventDispatcher d, Throwable f, Object result) {
            if (f != null) {
                Throwable first = (Throwable) FAILURE.compareAndExchange(this, null, f);
                if (first != null && first != f) {
                    first.addSuppressed(f);
                }
            }
            // getAndAdd is a full fence: the failure CAS above is visible to whoever sees 0.
            if ((int) REMAINING.getAndAdd(this, -1) != 1) {
                return;
            }
            Throwable first = failure;
            d.freeSlot(first == null);
            try {
                if (first != null) {
                    future.completeExceptionally(first);
                } else {
                    future.complete((T) result);
                }
            } finally {
                d.jobDone();
            }
        }
    }

    // --------------------------------------------------------------- builder

    /**
     * Settings for an {@link EventDispatcher}. Defaults: a pool of one thread
     * per available processor, capacity {@value #DEFAULT_CAPACITY},
     * {@link WhenFull#BLOCK}, not ordered.
     */
    public static final class Builder {
        private int threads;
        private Executor executor;
        private int parallelism;
        private int capacity = DEFAULT_CAPACITY;
        private WhenFull whenFull = WhenFull.BLOCK;
        private boolean ordered;
        private String name;

        private Builder() {}

        /** Runs handlers on a new pool of {@code n} daemon threads, shut down by {@link #close}. Excludes {@link #executor}. */
        public Builder threads(int n) {
            if (n < 1 || n > MAX_PARALLELISM) {
                throw new IllegalArgumentException("threads(" + n + "): must be between 1 and " + MAX_PARALLELISM);
            }
            this.threads = n;
            return this;
        }

        /**
         * Runs handlers on {@code pool}, which the dispatcher does not shut down.
         * Without {@link #parallelism}, at most as many handlers run at once as
         * the pool has threads ({@link ThreadPoolExecutor}'s maximum pool size,
         * {@link ForkJoinPool}'s parallelism, up to 256), or as there are
         * processors for other pools (virtual-thread executors included).
         * Excludes {@link #threads}.
         */
        public Builder executor(Executor pool) {
            this.executor = Objects.requireNonNull(pool, "executor(pool): pool is null");
            return this;
        }

        /** At most {@code n} handlers run at once (at most {@link #threads} with an own pool). */
        public Builder parallelism(int n) {
            if (n < 1 || n > MAX_PARALLELISM) {
                throw new IllegalArgumentException("parallelism(" + n + "): must be between 1 and "
                        + MAX_PARALLELISM);
            }
            this.parallelism = n;
            return this;
        }

        /** At most {@code events} events and tasks accepted and unfinished at once; see {@link #whenFull}. */
        public Builder capacity(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("capacity(" + events + "): must be at least 1");
            }
            this.capacity = events;
            return this;
        }

        /** What {@code publish} and {@code submit} do when the dispatcher is full. */
        public Builder whenFull(WhenFull policy) {
            this.whenFull = Objects.requireNonNull(policy, "whenFull(policy): policy is null");
            return this;
        }

        /** Commit handlers strictly in publish order (see {@link EventDispatcher}, "Ordered mode"). */
        public Builder ordered(boolean ordered) {
            this.ordered = ordered;
            return this;
        }

        /** A name for the dispatcher's threads and its {@code toString}. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name(name): name is null");
            return this;
        }

        /**
         * Builds the dispatcher; no thread runs until the first event arrives.
         *
         * @throws IllegalStateException if both {@link #threads} and {@link #executor} were set
         */
        public EventDispatcher build() {
            if (threads > 0 && executor != null) {
                throw new IllegalStateException("EventDispatcher.builder(): set threads(n) for an own pool or "
                        + "executor(pool) for a given one, not both");
            }
            return new EventDispatcher(this);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static int inferParallelism(Executor e) {
        int n;
        if (e instanceof ThreadPoolExecutor) {
            n = ((ThreadPoolExecutor) e).getMaximumPoolSize();
        } else if (e instanceof ForkJoinPool) {
            n = ((ForkJoinPool) e).getParallelism();
        } else {
            n = Runtime.getRuntime().availableProcessors();
        }
        return Math.max(1, Math.min(n, INFERRED_PARALLELISM_LIMIT));
    }

    private static ThreadPoolExecutor newPool(String name, int threads) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // Never more than `threads` worker loops are submitted at once, so the queue stays short.
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory);
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    private static void awaitTermination(ThreadPoolExecutor p) {
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    if (p.awaitTermination(1, TimeUnit.DAYS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
