package io.jstm.dispatch;

import io.jstm.LongRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.jstm.dispatch.DispatchTestSupport.P;
import static io.jstm.dispatch.DispatchTestSupport.await;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A virtual-thread-per-task executor as the pool (JDK 21+; skipped on older
 * JDKs). The code is compiled for Java 17, so the executor and
 * {@code Thread.isVirtual()} are reached through method handles.
 */
@Timeout(60)
class VirtualThreadDispatchTest {

    record Tick(int id) {}

    private static final MethodHandle NEW_EXECUTOR;
    private static final MethodHandle IS_VIRTUAL;

    static {
        MethodHandle newExecutor = null;
        MethodHandle isVirtual = null;
        if (Runtime.version().feature() >= 21) {
            try {
                MethodHandles.Lookup l = MethodHandles.publicLookup();
                newExecutor = l.findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
                        MethodType.methodType(ExecutorService.class));
                isVirtual = l.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
        NEW_EXECUTOR = newExecutor;
        IS_VIRTUAL = isVirtual;
    }

    private static ExecutorService virtualThreads() throws Throwable {
        assumeTrue(NEW_EXECUTOR != null, "virtual threads need JDK 21 or later; running on "
                + Runtime.version());
        return (ExecutorService) NEW_EXECUTOR.invoke();
    }

    private static boolean onVirtualThread() {
        try {
            return (boolean) IS_VIRTUAL.invoke(Thread.currentThread());
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void handlersRunOnVirtualThreadsExactlyOnce() throws Throwable {
        ExecutorService vt = virtualThreads();
        int n = 5_000;
        LongRef[] seen = new LongRef[n];
        for (int i = 0; i < n; i++) {
            seen[i] = LongRef.of(0);
        }
        AtomicInteger onPlatformThreads = new AtomicInteger();
        try (EventDispatcher d = EventDispatcher.builder().executor(vt).parallelism(32).capacity(512).build()) {
            d.on(Tick.class, t -> {
                if (!onVirtualThread()) {
                    onPlatformThreads.incrementAndGet();
                }
                seen[t.id()].set(seen[t.id()].get() + 1);
            });
            CompletableFuture<Void> last = null;
            for (int i = 0; i < n; i++) {
                last = d.publish(new Tick(i));
            }
            await(last);
        } finally {
            vt.shutdown();
            assertTrue(vt.awaitTermination(30, TimeUnit.SECONDS));
        }
        assertEquals(0, onPlatformThreads.get());
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen[i].get(), "event " + i);
        }
    }

    @Test
    void orderedModeOnManyVirtualThreadsGivesTheSerialResult() throws Throwable {
        ExecutorService vt = virtualThreads();
        int n = 3_000;
        LongRef x = LongRef.of(1);
        try (EventDispatcher d = EventDispatcher.builder().executor(vt).parallelism(64).ordered(true).build()) {
            d.on(Tick.class, t -> x.set((x.get() * 3 + t.id()) % P));
            CompletableFuture<Void> last = null;
            for (int i = 0; i < n; i++) {
                last = d.publish(new Tick(i));
            }
            await(last);
        } finally {
            vt.shutdown();
            assertTrue(vt.awaitTermination(30, TimeUnit.SECONDS));
        }
        long expected = 1;
        for (int i = 0; i < n; i++) {
            expected = (expected * 3 + i) % P;
        }
        assertEquals(expected, x.get());
    }
}
