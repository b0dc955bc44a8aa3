package io.jstm.examples.common;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class WorkersTest {

    @Test
    void everyWorkerRunsOnceOnItsOwnNamedThread() {
        ConcurrentHashMap<Integer, String> ran = new ConcurrentHashMap<>();
        Workers.run("w", 3, i -> ran.put(i, Thread.currentThread().getName()));
        assertEquals(3, ran.size());
        ran.forEach((i, name) -> assertEquals("w-" + i, name));
    }

    @Test
    void theFirstFailureIsRethrownAfterEveryWorkerFinished() {
        AtomicInteger finished = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Workers.run("w", 2, i -> {
            if (i == 0) {
                throw new IllegalStateException("boom");
            }
            finished.incrementAndGet();
        }));
        assertEquals("boom", e.getMessage());
        assertEquals(1, finished.get());
        assertThrows(IllegalArgumentException.class, () -> Workers.run("w", 0, i -> {}));
    }
}
