package io.edgecascade.cascade.pipeline;

import static io.edgecascade.cascade.testing.Conditions.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.events.EventLog;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.source.StreamOptions;
import io.edgecascade.cascade.testing.RtspServer;
import io.edgecascade.cascade.tracking.TrackingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 9: tracks age on the clock, not only when a frame is detected. A live camera (a real RTSP server) that
 * goes offline for longer than {@code tracking.max_age_s} ends its open events with {@code "reason":
 * "camera_offline"} while it is still down; when it comes back its objects are new events, and the run's stop ends
 * those with {@code "shutdown"}.
 */
class CameraOfflineTest {

    private static final DetectorSettings PERSON = new DetectorSettings(0.4f, 0.45f, Set.of("person"));

    @TempDir
    Path dir;

    private List<JsonNode> lines(Path events) throws Exception {
        return Files.exists(events) ? CascadeTest.eventLines(events) : List.of();
    }

    private long count(Path events, String type, String reason) throws Exception {
        return lines(events).stream().filter(l -> l.get("type").asText().equals(type)
                && (reason == null || reason.equals(l.path("reason").asText()))).count();
    }

    private static boolean check(ThrowingBoolean b) {
        try {
            return b.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface ThrowingBoolean {
        boolean get() throws Exception;
    }

    @Test
    @Timeout(180)
    void aCameraOfflineLongerThanMaxAgeEndsItsEventsWhileItIsDown() throws Exception {
        Path events = dir.resolve("events.jsonl");
        try (RtspServer server = new RtspServer(dir, TestAssets.personVideo(), List.of("cam"), null)) {
            server.start();
            // max_age 1 s; the camera retries every 0.2-1 s while it is down
            CameraSettings cam = new CameraSettings("cam", server.url("cam", null), false,
                    MotionSettings.DEFAULTS.withEnabled(false), PERSON,
                    new TrackingSettings(2, 0.7, 1000, 0.1, 60_000), List.of(),
                    new StreamOptions("tcp", Map.of(), 10_000, 200, 1_000, false), SamplingSettings.OFF);
            try (Cascade cascade = new Cascade(List.of(cam), SourceFactory.ffmpeg(),
                    List.of(new ScriptedDetector(n -> ScriptedDetector.PERSON)), List.of(EventLog.open(events)),
                    new CascadeOptions(2, 4, Duration.ZERO), List.of())) {
                cascade.start();
                waitFor("an event start", () -> check(() -> count(events, "start", null) == 1));
                server.stop(); // the camera goes offline, with its event open
                waitFor("the event's end while the camera is down",
                        () -> check(() -> count(events, "end", null) == 1));
                JsonNode end = lines(events).stream().filter(l -> l.get("type").asText().equals("end")).findFirst()
                        .orElseThrow();
                assertEquals(TrackEvent.EndReason.CAMERA_OFFLINE.label(), end.get("reason").asText(), end.toString());

                server.start(); // it comes back: the person is a new event
                waitFor("a second event", () -> check(() -> count(events, "start", null) == 2));
                cascade.requestStop();
                assertTrue(cascade.awaitCompletion(30_000));
            }
        }
        assertEquals(1, count(events, "end", "camera_offline"));
        assertEquals(1, count(events, "end", "shutdown"), "the event open at the stop ends with the stop");
        assertEquals(2, count(events, "end", null));
    }
}
