package io.jstm;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An {@link OutOfMemoryError} in the middle of an element read or write that the
 * block catches and survives must leave the attempt consistent: no stripe the
 * read-set filter claims but the read set lacks (a missed conflict), no
 * write-set entry without its buffer (a partial commit and a stripe left
 * locked). Each scenario runs in a child JVM with a 96 MB heap, which it fills
 * on purpose; this JVM only checks the child's exit code and output.
 */
class LongArrayOutOfMemoryTest {

    @Test
    void aStripeWhoseLoggingRanOutOfMemoryIsStillValidated() throws Exception {
        assertScenarioPasses("missedConflict");
    }

    @Test
    void aWriteThatRanOutOfMemoryLeavesNoHalfEntryBehind() throws Exception {
        assertScenarioPasses("halfEntry");
    }

    private static void assertScenarioPasses(String scenario) throws Exception {
        Path out = Files.createTempFile("jstm-oom-", ".log");
        try {
            Process p = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx96m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    Scenarios.class.getName(), scenario))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String log = Files.readString(out);
            assertTrue(done, scenario + " did not finish within 60 s:\n" + log);
            assertEquals(0, p.exitValue(), scenario + " failed:\n" + log);
            assertTrue(log.contains("PASS " + scenario), log);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The child JVM's entry point: runs one scenario, prints PASS and exits 0, or exits 1. */
    static final class Scenarios {
        public static void main(String[] args) throws Throwable {
            try {
                switch (args[0]) {
                    case "missedConflict" -> missedConflict();
                    case "halfEntry" -> halfEntry();
                    default -> throw new IllegalArgumentException(args[0]);
                }
                System.out.println("PASS " + args[0]);
                System.exit(0);
            } catch (Throwable t) {
                t.printStackTrace(System.out);
                System.exit(1);
            }
        }

        /** Fills the heap with long arrays of shrinking sizes until not even an empty one fits. */
        private static Object[] fillHeap() {
            Object[] hold = new Object[1 << 16];
            int k = 0;
            for (int pass = 0; pass < 3; pass++) {
                for (int len = 1 << 17; len >= 0; len = len == 0 ? -1 : len >> 1) {
                    try {
                        while (k < hold.length) {
                            hold[k++] = new long[len];
                        }
                    } catch (OutOfMemoryError e) {
                        k--;
                    }
                }
            }
            return hold;
        }

        /** On a fresh thread, so its descriptor starts with a 32-entry read set and an 8-entry write set. */
        private static void onFreshThread(Runnable body) throws Throwable {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    body.run();
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            t.join(30_000);
            if (failure.get() != null) {
                throw failure.get();
            }
        }

        private static void onOtherThread(Runnable r) {
            Thread t = new Thread(r);
            t.start();
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        }

        /**
         * The read set is full when a stripe read runs out of memory growing it; the
         * block catches the error and reads the stripe again. That read must be logged,
         * so that another thread's commit to the stripe in between is a conflict.
         */
        static void missedConflict() throws Throwable {
            onFreshThread(() -> {
                LongArray a = LongArray.ofLength(8);
                LongArray b = LongArray.ofLength(16);
                LongRef[] refs = new LongRef[31];
                for (int i = 0; i < refs.length; i++) {
                    refs[i] = LongRef.of(i);
                }
                Stm.atomic(() -> {
                    b.get(8);
                    a.get(0);
                    a.set(1, 0);
                    refs[0].get();
                });
                AtomicInteger attempts = new AtomicInteger();
                boolean[] caught = {false};
                Object[][] ballast = {null};
                Stm.atomic(() -> {
                    int n = attempts.incrementAndGet();
                    b.get(8);
                    for (LongRef r : refs) {
                        r.get(); // the read set is now full: 32 of 32
                    }
                    if (n == 1) {
                        ballast[0] = fillHeap();
                        try {
                            a.get(0);
                        } catch (OutOfMemoryError e) {
                            caught[0] = true;
                        }
                        ballast[0] = null;
                    }
                    long v = a.get(0);
                    if (n == 1) {
                        onOtherThread(() -> a.set(0, 100));
                    }
                    a.set(0, v + 1);
                });
                if (!caught[0]) {
                    throw new AssertionError("the scenario never ran out of memory growing the read set");
                }
                if (a.get(0) != 101) {
                    throw new AssertionError("lost update: a[0] = " + a.get(0) + " after " + attempts.get()
                            + " attempts; a serializable run gives 101");
                }
            });
        }

        /**
         * A write whose buffer allocation runs out of memory, caught by the block: the
         * commit must neither fail half-way (publishing the other write and leaving the
         * stripe locked) nor throw.
         */
        static void halfEntry() throws Throwable {
            LongArray a = LongArray.ofLength(8);
            LongRef r = LongRef.of(0);
            boolean[] caught = {false};
            onFreshThread(() -> {
                Stm.atomic(() -> {
                    r.set(1);
                    a.set(0, 1);
                });
                r.set(0);
                a.set(0, 0);
                Object[][] ballast = {null};
                Stm.atomic(() -> {
                    r.set(7);
                    ballast[0] = fillHeap();
                    try {
                        a.set(0, 5);
                    } catch (OutOfMemoryError e) {
                        caught[0] = true;
                    }
                    ballast[0] = null;
                });
            });
            if (!caught[0]) {
                throw new AssertionError("the scenario never ran out of memory allocating the buffer");
            }
            Thread reader = new Thread(() -> a.get(0));
            reader.setDaemon(true);
            reader.start();
            reader.join(5_000);
            if (reader.isAlive()) {
                throw new AssertionError("the stripe was left locked");
            }
            if (r.get() != 7 || a.get(0) != 0) {
                throw new AssertionError("r = " + r.get() + ", a[0] = " + a.get(0) + "; expected 7 and 0");
            }
        }
    }
}
