package io.jstm;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Commit, abort and inevitable events reach Java Flight Recorder. */
class JfrEventsTest {

    @Test
    void commitsAbortsAndInevitableTransactionsAreRecorded() throws Exception {
        Path file = Files.createTempFile("jstm", ".jfr");
        LongRef r = LongRef.named("jfr-ref", 0);
        try (Recording rec = new Recording()) {
            rec.enable("io.jstm.Commit");
            rec.enable("io.jstm.Abort");
            rec.enable("io.jstm.Inevitable");
            rec.start();
            Stm.atomic(() -> r.set(r.get() + 1));
            StatisticsTest.forceOneConflict(r, 0);
            Stm.atomicInevitable(() -> r.set(r.get() + 1));
            rec.stop();
            rec.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.deleteIfExists(file);
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("io.jstm.Commit")));
        RecordedEvent abort = events.stream().filter(e -> e.getEventType().getName().equals("io.jstm.Abort"))
                .findFirst().orElseThrow(() -> new AssertionError("no abort event in " + events));
        assertEquals("jfr-ref", abort.getString("ref"));
        assertEquals("READ_INVALIDATED", abort.getString("reason"));
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("io.jstm.Inevitable")));
    }

    @Test
    void aCommuteThatBecomesInevitableInItsCommitIsRecordedAsEscalated() throws Exception {
        Path file = Files.createTempFile("jstm", ".jfr");
        LongRef held = LongRef.named("jfr-held", 0);
        try (Recording rec = new Recording()) {
            rec.enable("io.jstm.Inevitable");
            rec.start();
            Thread commuter;
            io.jstm.internal.Probes.lock(held);
            try {
                commuter = new Thread(() -> Stm.atomic(() -> held.commute(x -> x + 1)));
                commuter.start();
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!io.jstm.internal.Probes.anyInevitableRunning()) { // the commute becomes inevitable
                    assertTrue(System.nanoTime() < deadline, "the blocked commute never became inevitable");
                    Thread.sleep(1);
                }
            } finally {
                io.jstm.internal.Probes.unlock(held);
            }
            commuter.join(30_000);
            assertFalse(commuter.isAlive());
            rec.stop();
            rec.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.deleteIfExists(file);
        RecordedEvent e = events.stream().filter(x -> x.getEventType().getName().equals("io.jstm.Inevitable"))
                .findFirst().orElseThrow(() -> new AssertionError("no inevitable event in " + events));
        assertTrue(e.getBoolean("escalated"), "an escalation in the commit of the first attempt: " + e);
        assertEquals(1, held.get());
    }
}
