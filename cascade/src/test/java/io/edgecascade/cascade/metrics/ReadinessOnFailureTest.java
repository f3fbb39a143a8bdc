package io.edgecascade.cascade.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.detect.Labels;
import io.edgecascade.cascade.detect.ModelTypes;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.pipeline.CascadeOptions;
import io.edgecascade.cascade.pipeline.DetectorSettings;
import io.edgecascade.cascade.pipeline.SourceFactory;
import io.edgecascade.cascade.testing.Http;
import io.edgecascade.cascade.testing.TestMedia;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.EngineRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * /readyz when the only camera fails: a stream that cannot be reached (whose credentials must appear nowhere),
 * and a file that breaks off while it delivers.
 */
class ReadinessOnFailureTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "s3cr3t-pw";

    @TempDir
    Path dir;

    @Test
    void readyWhileDeliveringThenNotReadyWhenTheFileBreaksOff() throws Exception {
        Path clip = TestMedia.clip(dir, 0, 8);
        Path truncated = dir.resolve("truncated.mp4");
        byte[] bytes = Files.readAllBytes(clip);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2)); // about 4 s of frames, then nothing
        CascadeMetrics metrics = new CascadeMetrics(List.of("lobby"), "test");
        try (MetricsServer server = MetricsServer.start(MetricsSettings.parse("127.0.0.1:0"), metrics.registry(),
                metrics.readinessChecks())) {
            String readyz = "http://127.0.0.1:" + server.port() + "/readyz";
            var engine = EngineRegistry.standard().open("onnxruntime-cpu", new EngineOptions(TestMedia.model(), 1));
            ObjectDetector detector = ModelTypes.detector("yolox", engine, Labels.read(TestMedia.labels()));
            CameraSettings camera = new CameraSettings("lobby", truncated.toString(), true, MotionSettings.DEFAULTS,
                    new DetectorSettings(0.4f, 0.45f, Set.of("person")));
            int whileDelivering;
            try (Cascade cascade = new Cascade(List.of(camera), SourceFactory.ffmpeg(), List.of(detector), List.of(),
                    new CascadeOptions(8, 64, Duration.ZERO), List.of(metrics))) {
                metrics.engine(cascade.engine());
                cascade.start();
                whileDelivering = waitForStatus(readyz, 200, 30);
                assertTrue(cascade.awaitCompletion(60_000), "the run did not end within 60 s");
                assertEquals(List.of("lobby"), cascade.failedCameras());
                assertTrue(cascade.stats().error("lobby").contains("truncated"), cascade.stats().error("lobby"));
            }
            assertEquals(200, whileDelivering);
            HttpResponse<String> after = Http.get(readyz);
            assertEquals(503, after.statusCode(), after.body());
            assertEquals("lobby: source stopped",
                    JSON.readTree(after.body()).get("checks").get("cameras").get("detail").asText());
        }
    }

    /** Polls until the status shows up (returned) or the time is over (the last status is returned). */
    private static int waitForStatus(String url, int status, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = Http.get(url).statusCode();
            if (last == status) {
                return last;
            }
            Thread.sleep(100);
        }
        return last;
    }

    @Test
    void notReadyWhileTheOnlyCameraRetriesAndNoCredentialLeaks() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String source = "rtsp://viewer:" + SECRET + "@127.0.0.1:" + closedPort + "/stream";
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        CascadeMetrics metrics = new CascadeMetrics(List.of("gate"), "test");
        try (MetricsServer server = MetricsServer.start(MetricsSettings.parse("127.0.0.1:0"), metrics.registry(),
                metrics.readinessChecks())) {
            String base = "http://127.0.0.1:" + server.port();
            var engine = EngineRegistry.standard().open("onnxruntime-cpu", new EngineOptions(TestMedia.model(), 1));
            ObjectDetector detector = ModelTypes.detector("yolox", engine, Labels.read(TestMedia.labels()));
            CameraSettings camera = new CameraSettings("gate", source, false, MotionSettings.DEFAULTS,
                    new DetectorSettings(0.4f, 0.45f, Set.of("person")));
            try (Cascade cascade = new Cascade(List.of(camera), SourceFactory.ffmpeg(), List.of(detector), List.of(),
                    new CascadeOptions(8, 64, Duration.ZERO), List.of(metrics))) {
                metrics.engine(cascade.engine());
                cascade.start();
                // a live camera never gives up: it keeps retrying, and /readyz says why it is not ready
                JsonNode body = null;
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (System.nanoTime() < deadline) {
                    HttpResponse<String> r = Http.get(base + "/readyz");
                    body = JSON.readTree(r.body());
                    if (body.get("checks").get("cameras").get("detail").asText().startsWith("gate: backoff (")) {
                        assertEquals(503, r.statusCode(), r.body());
                        assertFalse(r.body().contains(SECRET), "a credential in /readyz");
                        break;
                    }
                    Thread.sleep(100);
                }
                String detail = body.get("checks").get("cameras").get("detail").asText();
                assertTrue(detail.startsWith("gate: backoff (") && detail.contains("Connection refused")
                        && detail.contains("rtsp://***@127.0.0.1:" + closedPort), detail);
                var scrape0 = new io.edgecascade.cascade.testing.Scrape(Http.get(base + "/metrics").body());
                assertEquals(0.0, scrape0.value("edge_cascade_camera_up{camera=\"gate\"}"));
                assertEquals(1.0, scrape0.valueOrZero("edge_cascade_camera_state{camera=\"gate\",state=\"backoff\"}")
                        + scrape0.valueOrZero("edge_cascade_camera_state{camera=\"gate\",state=\"connecting\"}"));
                // a stop ends the backoff wait at once (SupervisedSourceTest.abortEndsTheBackoffWait measures it);
                // here: it ends, within a deadline generous for a loaded machine
                cascade.requestStop();
                assertTrue(cascade.awaitCompletion(30_000), "the retrying camera did not stop within 30 s");
                assertEquals(List.of(), cascade.failedCameras());
            }
            HttpResponse<String> ready = Http.get(base + "/readyz");
            assertEquals(503, ready.statusCode(), ready.body());
            String scrape = Http.get(base + "/metrics").body();
            assertFalse(scrape.contains(SECRET), "a credential in the metrics");
            assertFalse(ready.body().contains(SECRET), "a credential in /readyz");
        } finally {
            root.detachAppender(logs);
        }
        String logged = logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
        assertTrue(logged.contains("rtsp://***@127.0.0.1:" + closedPort), "the failure is logged, redacted:\n"
                + logged);
        assertFalse(logged.contains(SECRET), "a credential in the log:\n" + logged);
    }
}
