package io.edgecascade.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.app.testing.MainRunner;
import io.edgecascade.cascade.testing.TestMedia;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} with a metrics port another process holds: one error line, before any work starts. */
class RunMetricsPortTest {

    @TempDir
    Path dir;

    @Test
    void aTakenMetricsPortStopsTheRunWithOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path config = dir.resolve("edge-cascade.yml");
            Files.writeString(config, "model:\n  path: " + TestMedia.model() + "\n  labels: " + TestMedia.labels()
                    + "\nevents:\n  path: " + dir.resolve("events.jsonl") + "\nmetrics:\n  listen: 127.0.0.1:" + port
                    + "\ncameras:\n  - id: lobby\n    source: " + TestMedia.video() + "\n");
            MainRunner.Result r = MainRunner.run("run", "--config", config.toString());
            assertEquals(1, r.exitCode(), r.err());
            assertTrue(r.err().contains("error: metrics.listen: cannot listen on 127.0.0.1:" + port), r.err());
            assertTrue(r.err().contains("choose another port, or 0 to turn the endpoint off"), r.err());
            assertTrue(!r.err().contains("\tat "), "no stack trace:\n" + r.err());
            assertTrue(!r.err().contains("reading"), "no camera started:\n" + r.err());
        }
    }
}
