package io.jstm;

import io.jstm.internal.Probes;
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
        LongRef r = LongRef.named("jfr-ref", 0);
        List<RecordedEvent> events = record(() -> {
            Stm.atomic(() -> r.set(r.get() + 1));
            StatisticsTest.forceOneConflict(r, 0);
            Stm.atomicInevitable(() -> r.set(r.get() + 1));
        });
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("io.jstm.Commit")));
        RecordedEvent abort = first(events, "io.jstm.Abort");
        assertEquals("jfr-ref", abort.getString("ref"));
        assertEquals("READ_INVALIDATED", abort.getString("reason"));
        first(events, "io.jstm.Inevitable");
    }

    @Test
    void aCommuteThatBecomesInevitableInItsCommitIsRecordedAsEscalated() throws Exception {
        LongRef held = LongRef.named("jfr-held", 0);
        List<RecordedEvent> events = record(() -> {
            Thread commuter;
            Probes.lock(held); // a committer that does not let go: the commute waits, then goes inevitable
            try {
                commuter = new Thread(() -> Stm.atomic(() -> held.commute(x -> x + 1)));
                commuter.start();
                Probes.awaitInevitableRunning();
            } finally {
                Probes.unlock(held);
            }
            commuter.join(30_000);
            assertFalse(commuter.isAlive());
        });
        RecordedEvent e = first(events, "io.jstm.Inevitable");
        assertTrue(e.getBoolean("escalated"), "an escalation in the commit of the first attempt: " + e);
        assertEquals(1, held.get());
    }

    interface Body {
        void run() throws Exception;
    }

    /** The jstm events recorded while {@code body} runs. */
    private static List<RecordedEvent> record(Body body) throws Exception {
        Path file = Files.createTempFile("jstm", ".jfr");
        try {
            try (Recording rec = new Recording()) {
                rec.enable("io.jstm.Commit");
                rec.enable("io.jstm.Abort");
                rec.enable("io.jstm.Inevitable");
                rec.start();
                body.run();
                rec.stop();
                rec.dump(file);
            }
            return RecordingFile.readAllEvents(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static RecordedEvent first(List<RecordedEvent> events, String type) {
        return events.stream().filter(e -> e.getEventType().getName().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " event in " + events));
    }
}
