package io.edgecascade.cascade.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import io.edgecascade.cascade.testing.Promtool;
import io.edgecascade.cascade.testing.Scrape;
import io.edgecascade.cascade.testing.TestMedia;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.EngineRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics endpoint during a real run: a 10 s clip of the sample video read at real time (so it delivers
 * for a while) through the real cascade and detector, scraped over HTTP before, during and after.
 */
class MetricsDuringRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CAMERA = "lobby";

    @TempDir
    static Path dir;

    static MetricsServer server;
    static String base;
    static HttpResponse<String> readyBefore;
    static Scrape early;
    static Scrape late;
    static HttpResponse<String> readyDuring;
    static Scrape end;
    static HttpResponse<String> readyAfter;

    @BeforeAll
    static void run() throws Exception {
        Path clip = TestMedia.clip(dir, 0, 10); // a person walks in at about 6.5 s
        CascadeMetrics metrics = new CascadeMetrics(List.of(CAMERA), "test");
        server = MetricsServer.start(MetricsSettings.parse("127.0.0.1:0"), metrics.registry(),
                metrics.readinessChecks());
        base = "http://127.0.0.1:" + server.port();
        readyBefore = Http.get(base + "/readyz");

        var engine = EngineRegistry.standard().open("onnxruntime-cpu", new EngineOptions(TestMedia.model(), 1));
        ObjectDetector detector = ModelTypes.detector("yolox", engine, Labels.read(TestMedia.labels()));
        CameraSettings camera = new CameraSettings(CAMERA, clip.toString(), true, MotionSettings.DEFAULTS,
                new DetectorSettings(0.4f, 0.45f, Set.of("person")));
        try (Cascade cascade = new Cascade(List.of(camera), SourceFactory.ffmpeg(), List.of(detector), List.of(),
                new CascadeOptions(8, 64, Duration.ZERO), List.of(metrics))) {
            metrics.engine(cascade.engine());
            metrics.queueDepths(cascade::queueDepthsByCamera);
            cascade.start();
            early = waitFor(s -> s.valueOrZero(decoded()) >= 5, 60);
            // a while later by the frames the camera delivered, not by the clock: a loaded machine decodes slower
            double earlyFrames = early.value(decoded());
            late = waitFor(s -> s.valueOrZero(decoded()) >= earlyFrames + 20, 60);
            readyDuring = Http.get(base + "/readyz");
            if (!cascade.awaitCompletion(90_000)) {
                fail("the run did not end within 90 s");
            }
            assertTrue(cascade.failedCameras().isEmpty(), "camera failed: " + cascade.stats().error(CAMERA));
        }
        end = scrape();
        readyAfter = Http.get(base + "/readyz");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String decoded() {
        return "edge_cascade_frames_total{camera=\"lobby\",outcome=\"decoded\"}";
    }

    private static String stageCount(String stage) {
        return "edge_cascade_stage_duration_seconds_count{camera=\"lobby\",stage=\"" + stage + "\"}";
    }

    private static Scrape scrape() throws Exception {
        HttpResponse<String> r = Http.get(base + "/metrics");
        assertEquals(200, r.statusCode());
        return new Scrape(r.body());
    }

    /** Scrapes until {@code condition} holds; fails when it does not within {@code seconds} (a generous deadline). */
    private static Scrape waitFor(java.util.function.Predicate<Scrape> condition, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            Scrape s = scrape();
            if (condition.test(s)) {
                return s;
            }
            Thread.sleep(200);
        }
        return fail("the metrics did not reach the expected state within " + seconds + " s");
    }

    @Test
    void seriesMoveWhileTheCameraDelivers() {
        assertTrue(late.value(decoded()) > early.value(decoded()),
                "decoded frames did not grow: " + early.value(decoded()) + " -> " + late.value(decoded()));
        assertTrue(late.value(stageCount("decode")) > early.value(stageCount("decode")));
        assertTrue(late.value(stageCount("motion")) > early.value(stageCount("motion")));
        assertEquals(1.0, late.value("edge_cascade_camera_up{camera=\"lobby\"}"));
        // how fast a loaded machine decodes is no property of the gauge: it measures (FrameRateWindowTest checks
        // the arithmetic), and a file read at real time never runs ahead of its 10 fps
        double fps = late.value("edge_cascade_camera_fps{camera=\"lobby\"}");
        assertTrue(fps > 0 && fps < 13, "a 10 fps file read at real time measured " + fps + " fps");
        assertTrue(late.has("edge_cascade_queue_depth{camera=\"lobby\",queue=\"detector\"}"));
        assertTrue(late.has("edge_cascade_queue_depth{camera=\"lobby\",queue=\"output\"}"));
        assertEquals(1.0, late.value("edge_cascade_engine_info{device=\"cpu\",engine=\"onnxruntime-cpu\","
                + "model=\"yolox_nano.onnx\",precision=\"fp32\"}"));
        assertEquals(1.0, late.value("edge_cascade_build_info{version=\"test\"}"));
        assertTrue(late.hasMetricStartingWith("jvm_memory_used_bytes"));
    }

    @Test
    void countsAtTheEndMatchWhatThePipelineDid() {
        double decodedFrames = end.value(decoded());
        assertEquals(100.0, decodedFrames, 1.0, "a 10 s clip at 10 fps");
        double detected = end.value("edge_cascade_frames_total{camera=\"lobby\",outcome=\"detected\"}");
        double skipped = end.value("edge_cascade_frames_total{camera=\"lobby\",outcome=\"motion_skipped\"}");
        double dropped = end.value("edge_cascade_frames_total{camera=\"lobby\",outcome=\"dropped\"}");
        assertEquals(decodedFrames, detected + skipped + dropped,
                "every decoded frame is detected, skipped or dropped");
        assertTrue(detected > 0, "the person walking in opens the gate");
        assertTrue(end.value("edge_cascade_frames_total{camera=\"lobby\",outcome=\"positive\"}") > 0,
                "the detector finds the person");
        assertEquals(detected, end.value(stageCount("inference")));
        assertEquals(detected, end.value(stageCount("preprocess")));
        assertEquals(decodedFrames, end.value(stageCount("decode")));
        assertEquals(0.0, end.value("edge_cascade_camera_up{camera=\"lobby\"}"));
    }

    @Test
    void scrapeDuringTheRunPassesPromtoolCheckMetrics() throws Exception {
        Promtool.checkMetrics(late.text());
    }

    @Test
    void readyOnlyWhileTheOnlyCameraDelivers() throws Exception {
        assertEquals(503, readyBefore.statusCode(), readyBefore.body());
        assertEquals(200, readyDuring.statusCode(), readyDuring.body());
        assertEquals(503, readyAfter.statusCode(), readyAfter.body());
        JsonNode after = JSON.readTree(readyAfter.body());
        assertEquals("not ready", after.get("status").asText());
        assertEquals("lobby: source stopped", after.get("checks").get("cameras").get("detail").asText());
        assertTrue(after.get("checks").get("model").get("ok").asBoolean());
    }
}
