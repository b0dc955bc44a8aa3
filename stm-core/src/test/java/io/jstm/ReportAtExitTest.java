package io.jstm;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** -Djstm.report=path writes the conflict report (text and HTML) when the JVM exits. */
class ReportAtExitTest {

    /** Run in a child JVM: makes one traced conflict on "exit-ref" and exits. */
    public static void main(String[] args) throws Exception {
        StatisticsTest.forceOneConflict(LongRef.named("exit-ref", 0), 5);
    }

    @Test
    void theReportIsWrittenAtExit() throws Exception {
        Path dir = Files.createTempDirectory("jstm-report");
        Path report = dir.resolve("conflicts.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Djstm.report=" + report, "-Djstm.conflictTracing=true", ReportAtExitTest.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not exit");
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
        String text = Files.readString(report);
        assertTrue(text.contains("exit-ref") && text.contains("READ_INVALIDATED"), text);
        assertTrue(text.contains("forceOneConflict"), "the site is shown:\n" + text);
        String html = Files.readString(Path.of(report + ".html"));
        assertTrue(html.contains("exit-ref"), html);
    }
}
