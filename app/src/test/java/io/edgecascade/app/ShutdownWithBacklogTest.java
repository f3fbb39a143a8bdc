package io.edgecascade.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.testing.AgentProcess;
import io.edgecascade.app.testing.CloudProcess;
import io.edgecascade.app.testing.Ports;
import io.edgecascade.app.testing.PositiveIds;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.testing.Await;
import io.edgecascade.cascade.testing.RtspServer;
import io.edgecascade.cascade.testing.SilentServer;
import io.edgecascade.cascade.testing.SpoolListing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 17's acceptance of the one shutdown deadline: an agent process ({@code edge-cascade run}) with live cameras
 * from the real RTSP test server forwards to a cloud that goes away (the reference server SIGKILLed, or a server that
 * accepts connections and never answers), so a backlog builds; SIGTERM: it exits 0 within
 * {@code pipeline.shutdown_timeout_s} + 2 s with the backlog in its spool, and the next start replays it to a server
 * that is then up: every positive of the first run reaches the server (its {@code --record} file), none is lost.
 */
class ShutdownWithBacklogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHUTDOWN_TIMEOUT_S = 8;
    /** Positives the first run must have spooled while the cloud was away before its SIGTERM. */
    private static final int BACKLOG = 8;

    @TempDir
    Path dir;

    private Path config(String mode, int cloudPort, RtspServer cameras) throws IOException {
        // drain_seconds above the deadline: with the cloud away, the deadline is what ends the stop
        return Files.writeString(dir.resolve("agent.yaml"), """
                model: { path: %s, labels: %s }
                threads: 1
                events: { path: %s, frames: true }
                metrics: { listen: "0" }
                pipeline: { progress_interval_s: 0, shutdown_timeout_s: %d }
                cloud:
                  url: 127.0.0.1:%d
                  mode: %s
                  forward: positives
                  deadline_ms: 60000
                  backoff_ms: 100
                  max_backoff_ms: 1000
                  drain_seconds: 60
                  results_path: %s
                spool: { dir: %s, fsync: interval }
                cameras:
                  - { id: cam1, source: "%s", reconnect: { initial_ms: 200, max_ms: 2000 } }
                  - { id: cam2, source: "%s", reconnect: { initial_ms: 200, max_ms: 2000 } }
                """.formatted(TestAssets.model(), TestAssets.labels(), dir.resolve("events.jsonl"), SHUTDOWN_TIMEOUT_S,
                cloudPort, mode, dir.resolve("results.jsonl"), dir.resolve("spool"), cameras.url("cam1", null),
                cameras.url("cam2", null)));
    }

    private void terminateTimed(AgentProcess agent, String what) throws Exception {
        long t0 = System.nanoTime();
        int rc = agent.terminate(TimeUnit.SECONDS.toMillis(SHUTDOWN_TIMEOUT_S + 60));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, rc, what + ": SIGTERM exits 0\n" + agent.output());
        assertTrue(seconds <= SHUTDOWN_TIMEOUT_S + 2, String.format("%s: SIGTERM -> exit after %.1f s, more than"
                + " pipeline.shutdown_timeout_s (%d) + 2 s%n%s", what, seconds, SHUTDOWN_TIMEOUT_S, agent.output()));
    }

    private List<String> recorded() throws IOException {
        Path r = dir.resolve("record.txt");
        return Files.exists(r) ? Files.readAllLines(r) : List.of();
    }

    @ParameterizedTest(name = "{0} mode, cloud {1}")
    @CsvSource({"stream, killed", "unary, silent"})
    @Timeout(420)
    void sigtermWithABacklogExitsInTimeAndTheNextStartReplaysIt(String mode, String outage) throws Exception {
        int cloudPort = Ports.free();
        Path model = TestAssets.model();
        Path events = dir.resolve("events.jsonl");
        Set<String> firstRun;
        Set<String> spooled = new LinkedHashSet<>();
        try (RtspServer cameras = new RtspServer(dir, TestAssets.personVideo(), List.of("cam1", "cam2"), null)) {
            cameras.start();
            Path config = config(mode, cloudPort, cameras);
            // first run: the cloud goes away and a backlog builds; SIGTERM
            try (AgentProcess agent = AgentProcess.run(config, dir.resolve("summary-1.json"))) {
                if (outage.equals("killed")) {
                    try (CloudProcess cloud = CloudProcess.start(cloudPort, model, dir.resolve("record.txt"),
                            dir.resolve("cloud-1.log"))) {
                        try {
                            Await.until("positives at the cloud", Duration.ofSeconds(120),
                                    () -> recorded().size() >= 2);
                        } catch (AssertionError e) { // what the two sides said, to tell why
                            throw new AssertionError(e.getMessage() + "\nthe agent:\n" + agent.output()
                                    + "\nthe cloud server:\n" + Files.readString(dir.resolve("cloud-1.log")), e);
                        }
                    } // SIGKILL
                    int before = PositiveIds.of(events).size();
                    Await.until(BACKLOG + " positives after the kill", Duration.ofSeconds(120),
                            () -> PositiveIds.of(events).size() >= before + BACKLOG);
                    terminateTimed(agent, "first run, the cloud killed");
                } else {
                    try (SilentServer silent = new SilentServer(cloudPort)) {
                        Await.until(BACKLOG + " positives", Duration.ofSeconds(120),
                                () -> PositiveIds.of(events).size() >= BACKLOG);
                        terminateTimed(agent, "first run, the cloud silent");
                    }
                }
                assertTrue(agent.output().contains("stay in the spool"), agent.output());
            }
            firstRun = new LinkedHashSet<>(PositiveIds.of(events));
            SpoolListing.of(dir.resolve("spool")).forEach(w -> spooled.add(w.id()));
            JsonNode summary = JSON.readTree(dir.resolve("summary-1.json").toFile());
            assertEquals(spooled.size(), summary.get("spool_frames").asInt(), "the summary counts the spool's backlog");
            assertTrue(spooled.size() >= BACKLOG, "the backlog is in the spool: " + spooled.size());
            Set<String> atTheCloud = new HashSet<>(recorded());
            List<String> lost = firstRun.stream().filter(id -> !atTheCloud.contains(id) && !spooled.contains(id))
                    .toList();
            assertEquals(List.of(), lost, "each positive of the first run is at the cloud or in the spool");

            // second run: the cloud is up; the spool's backlog is sent
            try (CloudProcess cloud = CloudProcess.start(cloudPort, model, dir.resolve("record.txt"),
                    dir.resolve("cloud-2.log"));
                    AgentProcess agent = AgentProcess.run(config, dir.resolve("summary-2.json"))) {
                Await.until("the first run's backlog at the cloud", Duration.ofSeconds(180),
                        () -> new HashSet<>(recorded()).containsAll(spooled));
                terminateTimed(agent, "second run");
            }
        }
        Set<String> atTheCloud = new HashSet<>(recorded());
        List<String> missing = firstRun.stream().filter(id -> !atTheCloud.contains(id)).toList();
        assertFalse(firstRun.isEmpty());
        assertEquals(List.of(), missing, "every positive of the first run reached the cloud");
        Set<String> answered = new HashSet<>();
        for (String line : Files.readAllLines(dir.resolve("results.jsonl"))) {
            answered.add(JSON.readTree(line).get("id").asText());
        }
        assertTrue(answered.containsAll(spooled), "the cloud's answers to the backlog are in the results file");
        Set<String> stillSpooled = new HashSet<>();
        SpoolListing.of(dir.resolve("spool")).forEach(w -> stillSpooled.add(w.id()));
        List<String> unacknowledged = spooled.stream().filter(stillSpooled::contains).toList();
        assertEquals(List.of(), unacknowledged, "the backlog was acknowledged: none of it is left in the spool");
    }
}
