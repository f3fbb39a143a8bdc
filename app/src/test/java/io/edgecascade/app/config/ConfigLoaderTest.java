package io.edgecascade.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.forward.CloudSettings;
import io.edgecascade.cascade.pipeline.CameraSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final Map<String, String> ENV = Map.of("EDGE_CASCADE_ASSETS", TestAssets.root().toString());
    private static final ConfigLoader LOADER = new ConfigLoader(ENV, List.of("auto", "onnxruntime-cpu"));

    private static final String BASE = """
            model:
              path: ${EDGE_CASCADE_ASSETS}/models/yolox_nano.onnx
              type: yolox
              labels: ${EDGE_CASCADE_ASSETS}/models/coco_classes.txt
            engine: auto
            threads: 2
            events:
              path: events.jsonl
            defaults:
              motion:
                enabled: true
                threshold: 25
                min_area: 0.002
                cooldown_frames: 5
                min_interval_ms: 0
              detector:
                confidence: 0.4
                nms_iou: 0.45
                classes: [person]
            cameras:
              - id: lobby
                source: ${EDGE_CASCADE_ASSETS}/video/one-by-one-person-detection.mp4
                realtime: false
                motion: { threshold: 20 }
            """;

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> LOADER.parse(yaml, "test.yaml")).problems();
    }

    @Test
    void cloudModeIsUnaryByDefaultStreamWhenAskedAndNothingElse() throws Exception {
        assertEquals(io.edgecascade.cascade.forward.CloudSettings.Mode.UNARY,
                LOADER.parse(BASE + "cloud: {url: 127.0.0.1:9000}\n", "test.yaml").cloud().mode());
        assertEquals(io.edgecascade.cascade.forward.CloudSettings.Mode.STREAM,
                LOADER.parse(BASE + "cloud: {url: 127.0.0.1:9000, mode: stream}\n", "test.yaml").cloud().mode());
        List<String> p = problems(BASE + "cloud: {url: 127.0.0.1:9000, mode: grpc}\n");
        assertTrue(p.stream().anyMatch(m -> m.contains("cloud.mode") && m.contains("stream")), p.toString());
    }

    @Test
    void cloudAuthorityIsAHostWithAnOptionalPortForARemoteServer() throws Exception {
        assertEquals(null, LOADER.parse(BASE + "cloud: {url: 127.0.0.1:9000}\n", "test.yaml").cloud().authority());
        for (String ok : List.of("yolox.models.example.com", "yolox-predictor.models.svc.cluster.local:80",
                "[::1]:8443", "localhost")) {
            assertEquals(ok, LOADER.parse(BASE + "cloud: {url: 10.0.0.5:80, authority: '" + ok + "'}\n",
                    "test.yaml").cloud().authority(), ok);
        }
        for (String bad : List.of("http://yolox.example.com", "yolox.example.com/v2", "user@yolox.example.com",
                "yolox..example.com", "yolox.example.com:99999", "-yolox.example.com", "two words")) {
            List<String> p = problems(BASE + "cloud: {url: 10.0.0.5:80, authority: '" + bad + "'}\n");
            assertEquals(1, p.size(), bad + ": " + p);
            assertTrue(p.get(0).startsWith("cloud.authority: '" + bad + "' is not a host name"), p.toString());
        }
        List<String> embedded = problems(BASE + "cloud: {url: embedded, authority: yolox.example.com}\n");
        assertTrue(embedded.get(0).startsWith("cloud.authority: applies to a remote server only"), embedded.toString());
    }

    @Test
    void readsTheDocumentedExampleAndMergesDefaultsIntoCameras() throws Exception {
        AppConfig c = LOADER.parse(BASE + """
                  - id: gate
                    source: rtsp://user:pw@cam.local/stream
                    realtime: true
                    detector: { classes: [car, person], confidence: 0.6 }
                """, "test.yaml");
        assertEquals(TestAssets.model(), c.model().path());
        assertEquals("auto", c.engine());
        assertEquals(2, c.threads());
        CameraSettings lobby = c.cameras().get(0);
        assertEquals(20, lobby.motion().threshold(), "the camera overrides one key");
        assertEquals(0.002, lobby.motion().minArea(), 1e-12, "and keeps the defaults for the others");
        assertEquals(0, lobby.motion().minIntervalMs());
        assertEquals(Set.of("person"), lobby.detector().classes());
        CameraSettings gate = c.cameras().get(1);
        assertTrue(gate.realtime());
        assertEquals(Set.of("car", "person"), gate.detector().classes());
        assertEquals(0.6f, gate.detector().confidence(), 1e-6f);
        assertEquals(0.45f, gate.detector().nmsIou(), 1e-6f);
        assertEquals(25, gate.motion().threshold());
    }

    @Test
    void everyExampleConfigInTheRepositoryIsValid() throws Exception {
        Path configs = Path.of("..", "configs");
        List<Path> examples;
        try (var files = Files.list(configs)) {
            examples = files.filter(p -> p.toString().endsWith(".yaml")).filter(p -> !p.getFileName().toString()
                    .startsWith("prometheus")).toList();
        }
        assertFalse(examples.isEmpty(), "no example configs in " + configs.toAbsolutePath());
        for (Path p : examples) {
            String yaml = Files.readString(p);
            // examples point at real cameras; check them with the sample video in place of each source
            yaml = yaml.replaceAll("source: .*", "source: \\${EDGE_CASCADE_ASSETS}/video/one-by-one-person-detection.mp4");
            // and with the models folder that the site example takes from its environment
            new ConfigLoader(Map.of("EDGE_CASCADE_ASSETS", TestAssets.root().toString(), "EDGE_CASCADE_MODELS",
                    TestAssets.root().resolve("models").toString()), List.of("auto", "onnxruntime-cpu"))
                    .parse(yaml, p.toString());
        }
    }

    @Test
    void unknownKeysAreNamedWithTheirPathAndASuggestion() {
        List<String> p = problems(BASE.replace("threshold: 20", "treshold: 20"));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("cameras[0].motion.treshold: unknown key (did you mean 'threshold'?)"), p.get(0));
        assertTrue(p.get(0).contains("allowed keys here: enabled, threshold, min_area"), p.get(0));
    }

    @Test
    void outOfRangeValuesNameTheKeyAndTheAllowedRange() {
        List<String> p = problems(BASE.replace("threshold: 20", "threshold: 300").replace("min_area: 0.002",
                "min_area: 1.5").replace("confidence: 0.4", "confidence: high"));
        assertTrue(p.contains("cameras[0].motion.threshold: 300 is out of range; allowed 1..255"), p.toString());
        assertTrue(p.contains("defaults.motion.min_area: 1.5 is out of range; allowed 0..1"), p.toString());
        assertTrue(p.contains("defaults.detector.confidence: 'high' is not a number; allowed 0..1"), p.toString());
    }

    @Test
    void environmentVariablesExpandWithDefaultsAndUnsetOnesAreReported() {
        List<String> p = problems(BASE.replace("events.jsonl", "${EVENTS_DIR}/events.jsonl"));
        assertEquals(List.of("events.path: environment variable EVENTS_DIR is not set; export it or write"
                + " ${EVENTS_DIR:-default}"), p);
        AppConfig ok = assertDoesNotThrow(BASE.replace("events.jsonl", "${EVENTS_DIR:-/var/lib/ec}/events.jsonl"));
        assertEquals(Path.of("/var/lib/ec/events.jsonl"), ok.events());
    }

    private static AppConfig assertDoesNotThrow(String yaml) {
        try {
            return LOADER.parse(yaml, "test.yaml");
        } catch (ConfigException e) {
            throw new AssertionError(e.problems().toString(), e);
        }
    }

    @Test
    void sourcesModelsAndClassesAreChecked() {
        List<String> p = problems(BASE.replace("yolox_nano.onnx", "missing.onnx")
                .replace("classes: [person]", "classes: [persons]")
                .replace("realtime: false", "realtime: false\n  - id: lobby\n    source: ftp://x/y.mp4"));
        assertTrue(p.stream().anyMatch(s -> s.startsWith("model.path: file not found: ") && s.contains("models pull")),
                p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("defaults.detector.classes: 'persons' is not a label")),
                p.toString());
        assertTrue(p.contains("cameras[1].id: 'lobby' is used by two cameras; ids must be unique"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("cameras[1].source: unsupported source scheme 'ftp:'")),
                p.toString());
    }

    @Test
    void anEngineTheBuildDoesNotKnowIsRejected() {
        List<String> p = problems(BASE.replace("engine: auto", "engine: quantum"));
        assertEquals(List.of("engine: 'quantum' is not allowed; use one of auto, onnxruntime-cpu"), p);
    }

    @Test
    void brokenYamlAndMissingSectionsAreExplained(@TempDir Path dir) throws Exception {
        List<String> syntax = problems("model: [unclosed");
        assertTrue(syntax.get(0).startsWith("test.yaml:"), syntax.toString());
        assertTrue(syntax.get(0).contains("not valid YAML"), syntax.toString());
        List<String> empty = problems("engine: auto\n");
        assertTrue(empty.stream().anyMatch(s -> s.startsWith("model.path: is required")), empty.toString());
        assertTrue(empty.stream().anyMatch(s -> s.startsWith("cameras: at least one camera is required")),
                empty.toString());
        ConfigException missing = assertThrows(ConfigException.class, () -> LOADER.load(dir.resolve("no.yaml")));
        assertTrue(missing.problems().get(0).startsWith("config file not found"), missing.problems().toString());
    }

    // ---- forwarding: cloud.keepalive_s, cloud.max_attempts, spool.dead_letter_dir, spool.dead_letter_max_bytes

    @Test
    void defaultsPingNoMoreOftenThanCCoreServersAllowAndGiveUpAfterTenAttempts() throws Exception {
        AppConfig c = LOADER.parse(BASE + "cloud: {url: 127.0.0.1:9000}\nspool: {dir: /var/lib/edge/spool}\n",
                "test.yaml");
        assertTrue(c.cloud().keepalive().compareTo(Duration.ofMinutes(5)) >= 0, c.cloud().keepalive().toString());
        assertEquals(CloudSettings.DEFAULT_KEEPALIVE, c.cloud().keepalive());
        assertEquals(10, c.cloud().maxAttempts());
        assertEquals(Path.of("/var/lib/edge/spool-dead-letters"), c.spool().deadLetterDir(), "beside the spool");
        assertEquals(256L << 20, c.spool().deadLetterMaxBytes());
    }

    @Test
    void readsTheKeys() throws Exception {
        AppConfig c = LOADER.parse(BASE + """
                cloud: {url: 127.0.0.1:9000, keepalive_s: 600, max_attempts: 3}
                spool: {dir: spool, dead_letter_dir: /data/dead, dead_letter_max_bytes: 1048576}
                """, "test.yaml");
        assertEquals(Duration.ofSeconds(600), c.cloud().keepalive());
        assertEquals(3, c.cloud().maxAttempts());
        assertEquals(Path.of("/data/dead"), c.spool().deadLetterDir());
        assertEquals(1 << 20, c.spool().deadLetterMaxBytes());
        AppConfig off = LOADER.parse(BASE + "cloud: {url: 127.0.0.1:9000, keepalive_s: 0, max_attempts: 0}\n",
                "test.yaml");
        assertTrue(off.cloud().keepalive().isZero(), "0: no pings");
        assertEquals(0, off.cloud().maxAttempts(), "0: no limit");
    }

    @Test
    void badValuesAreNamedWithWhatIsAllowed() {
        List<String> p = problems(BASE + "cloud: {url: 127.0.0.1:9000, keepalive_s: 5, max_attempts: -1}\n"
                + "spool: {dir: spool, dead_letter_dir: spool, dead_letter_max_bytes: 10}\n");
        assertTrue(p.stream().anyMatch(m -> m.startsWith("cloud.keepalive_s") && m.contains("at least 10")),
                p.toString());
        assertTrue(p.stream().anyMatch(m -> m.startsWith("cloud.max_attempts") && m.contains("0..")), p.toString());
        assertTrue(p.stream().anyMatch(m -> m.startsWith("spool.dead_letter_dir") && m.contains("spool folder")),
                p.toString());
        assertTrue(p.stream().anyMatch(m -> m.startsWith("spool.dead_letter_max_bytes") && m.contains("65536")),
                p.toString());
    }
}
