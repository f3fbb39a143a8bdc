package io.edgecascade.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.cli.Main;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cloud.CloudServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Issue 17, as reported: two people walk in together (the sample video side by side with itself, so two tracks start
 * on the same frame), forwarded in unary and stream mode to the real reference server. The run must end by itself
 * with every frame it chose acknowledged. Failed before in stream mode: the same frame went out twice under one
 * request id, the stream was torn down ("an answer for request id ... which is not in flight on the stream"), and
 * the agent never exited (main waiting in CloudSender.awaitCallbacks).
 */
class TwinTracksForwardingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static Path twin;

    @TempDir
    Path dir;

    @BeforeAll
    static void sideBySide() throws Exception {
        twin = shared.resolve("twin.mp4");
        String v = TestAssets.personVideo().toString();
        // the first person walks in at about 6.5 s: on both halves at once
        TestAssets.ffmpeg("-t", "14", "-i", v, "-t", "14", "-i", v, "-filter_complex", "hstack", "-an", "-c:v",
                "libx264", "-preset", "veryfast", "-g", "10", twin.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"unary", "stream"})
    @Timeout(240)
    void twoTracksStartingOnOneFrameAreForwardedAndTheRunEndsByItself(String mode) throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        int rc;
        try (CloudServer server = CloudServer.start(new CloudServer.Settings("127.0.0.1", 0,
                Map.of("yolox", TestAssets.model()), dir.resolve("record.txt"), 1))) {
            Path config = Files.writeString(dir.resolve("twin.yaml"), """
                    model: { path: %s, labels: %s }
                    threads: 1
                    events: { path: %s }
                    pipeline: { progress_interval_s: 0 }
                    metrics: { listen: 0 }
                    cloud:
                      url: 127.0.0.1:%d
                      mode: %s
                      drain_seconds: 60
                      results_path: %s
                    spool: { dir: %s }
                    cameras:
                      - id: twin
                        source: %s
                    """.formatted(TestAssets.model(), TestAssets.labels(), dir.resolve("events.jsonl"),
                    server.port(), mode, dir.resolve("results.jsonl"), dir.resolve("spool"), twin));
            rc = Main.execute("run", "--config", config.toString(), "--summary",
                    dir.resolve("summary.json").toString());
        } finally {
            root.detachAppender(log);
        }
        assertEquals(0, rc);
        JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
        JsonNode cam = summary.get("cameras").get("twin");
        assertTrue(cam.get("events").asInt() >= 2, "two people, two events: " + cam);
        long chosen = cam.get("frames_forwarded").asLong();
        assertTrue(chosen >= 2, cam.toString());
        assertEquals(chosen, cam.get("forwarded").asLong(), "every frame chosen for the cloud was acknowledged");
        assertEquals(0, cam.get("dead_lettered").asLong());
        assertEquals(0, summary.get("spool_frames").asLong());
        List<String> results = Files.readAllLines(dir.resolve("results.jsonl"));
        assertEquals(chosen, results.size(), "one answer per frame handed over");
        Set<String> answered = new HashSet<>();
        for (String line : results) {
            answered.add(JSON.readTree(line).get("id").asText());
        }
        assertEquals(new HashSet<>(Files.readAllLines(dir.resolve("record.txt"))), answered,
                "every distinct frame the server got was answered");
        List<String> garbage = log.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("garbage") || m.contains("not in flight")).toList();
        assertEquals(List.of(), garbage);
    }
}
