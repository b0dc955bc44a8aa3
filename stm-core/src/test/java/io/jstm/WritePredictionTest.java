package io.jstm;

import io.jstm.testing.Workers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Write prediction per call site: read-only blocks behind a shared wrapper lambda that
 * also runs writes re-run at most once (the first read-only run after only writes).
 */
class WritePredictionTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static <T> T inWrapper(Supplier<T> body) {
        return Stm.atomic(() -> body.get()); // one lambda class for every kind of task
    }

    @Test
    void readOnlyTasksBehindAWrapperThatAlsoRunsWritesNeverReRun() throws Exception {
        int n = 256;
        LongRef[] refs = new LongRef[n];
        for (int i = 0; i < n; i++) {
            refs[i] = LongRef.of(0);
        }
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Workers writer = new Workers().start(1, w -> {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
            while (!stop.get()) {
                int p = rnd.nextInt(n);
                Stm.atomic(() -> refs[p].set(refs[p].get() + 1));
            }
        });
        java.util.concurrent.atomic.AtomicLong scans = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong scanAttempts = new java.util.concurrent.atomic.AtomicLong();
        try {
            for (int i = 0; i < 3_000; i++) {
                if (i % 2 == 0) {
                    int p = i % n;
                    inWrapper(() -> {
                        refs[p].set(refs[p].get() + 1);
                        return 0L;
                    });
                } else {
                    scans.incrementAndGet();
                    inWrapper(() -> {
                        scanAttempts.incrementAndGet();
                        long s = 0;
                        for (LongRef r : refs) {
                            s += r.get();
                            Thread.onSpinWait();
                        }
                        return s;
                    });
                }
            }
        } finally {
            stop.set(true);
            writer.join(LIMIT);
        }
        // The first read-only run of a site that had only written so far is predicted to write
        // (unregistered) and may lose once to a writer; from then on the site always registers.
        assertTrue(scanAttempts.get() - scans.get() <= 1,
                (scanAttempts.get() - scans.get()) + " read-only tasks were re-run; at most the first may be");
    }
}
