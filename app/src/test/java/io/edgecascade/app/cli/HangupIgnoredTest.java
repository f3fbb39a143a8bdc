package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process started under {@code nohup} has SIGHUP ignored, and the JVM keeps it ignored whatever handler the agent
 * installs: a reload by SIGHUP then never happens, so the agent says so at start (CascadeRun).
 */
class HangupIgnoredTest {

    @Test
    void readsTheIgnoredMaskOfProcStatus() {
        assertTrue(CascadeRun.hangupIgnored("Name:\tjava\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000001\n"));
        assertTrue(CascadeRun.hangupIgnored("SigIgn:\t0000000000001003\n"));
        assertFalse(CascadeRun.hangupIgnored("SigIgn:\t0000000000001002\n"), "SIGINT and SIGPIPE, not SIGHUP");
        assertFalse(CascadeRun.hangupIgnored("SigIgn:\tzz\n"));
        assertFalse(CascadeRun.hangupIgnored(""));
    }

    @Test
    void aProcessUnderNohupHasItIgnored(@TempDir Path dir) throws IOException, InterruptedException {
        Path out = dir.resolve("status");
        Process p = new ProcessBuilder("nohup", "sh", "-c", "cat /proc/self/status > " + out).redirectErrorStream(true)
                .redirectOutput(dir.resolve("nohup.log").toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(CascadeRun.hangupIgnored(Files.readString(out)), Files.readString(out));
    }
}
