package io.edgecascade.cascade.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.api.Stage;
import io.edgecascade.cascade.detect.Labels;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.pipeline.DetectorSettings;
import io.edgecascade.cascade.pipeline.SourceFactory;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.testing.TestMedia;
import io.edgecascade.engines.EngineRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark on a short clip with a person in it: every figure is consistent with the others. */
class BenchTest {

    @TempDir
    static Path dir;
    static BenchReport report;

    @BeforeAll
    static void run() throws Exception {
        Path clip = TestMedia.clip(dir, 5, 4); // 40 frames, a person walks in
        List<EngineVariant> variants = EngineVariant.parseList("onnxruntime-cpu:threads=1,onnxruntime-cpu:threads=2",
                1, TestMedia.model());
        BenchOptions options = new BenchOptions(clip.toString(), variants, "yolox", Labels.read(TestMedia.labels()),
                0, 3, MotionSettings.DEFAULTS, new DetectorSettings(0.4f, 0.45f, Set.of("person")));
        report = new Bench(options, EngineRegistry.standard(), SourceFactory.ffmpeg()).run();
    }

    @Test
    void everyVariantSeesTheSameFramesAndGateDecisions() {
        assertEquals(2, report.variants().size());
        for (VariantResult r : report.variants()) {
            assertEquals(40, r.frames(), r.variant().spec());
            assertTrue(r.detected() > 0 && r.detected() < r.frames(), "the gate passes some frames: " + r.detected());
            assertEquals(report.baseline().detected(), r.detected(), "the gate paces by stream time");
            assertEquals(r.detected(), r.standaloneDetector().frames(), "standalone detector on the same frames");
            assertEquals(r.frames(), r.standaloneMotion().frames());
            assertEquals(0, r.dropped());
        }
        assertEquals(1, report.variants().get(0).variant().threads());
        assertEquals(2, report.variants().get(1).variant().threads());
    }

    @Test
    void stagesCoverTheWorkThePipelineDid() {
        VariantResult r = report.baseline();
        assertEquals(List.of(Stage.DECODE, Stage.MOTION, Stage.PREPROCESS, Stage.INFERENCE, Stage.POSTPROCESS),
                List.copyOf(r.stages().keySet()));
        assertEquals(r.frames(), r.stages().get(Stage.DECODE).frames());
        assertEquals(r.detected(), r.stages().get(Stage.INFERENCE).frames());
        for (StageSummary s : r.stages().values()) {
            assertTrue(s.p50Millis() > 0 && s.p50Millis() <= s.p95Millis() && s.p95Millis() <= s.p99Millis(),
                    s.toString());
        }
    }

    @Test
    void derivedFiguresFollowTheirDefinitions() {
        VariantResult r = report.baseline();
        assertEquals(r.frames() / r.wallSeconds(), r.fps(), 1e-9);
        assertEquals((double) r.detected() / r.frames(), r.detectorRatio(), 1e-9);
        double serial = r.frames() / r.decodeOnlyFps() + r.standaloneMotion().meanMillis() / 1e3 * r.frames()
                + r.standaloneDetector().meanMillis() / 1e3 * r.detected();
        assertEquals(serial, r.serialSeconds(), 1e-9);
        assertEquals(serial / r.wallSeconds(), r.efficiency(), 1e-9);
        assertTrue(r.standaloneInference().p50Millis() < r.standaloneDetector().p50Millis(),
                "inference is part of the detector's time");
        assertTrue(report.peakRssMb() > 50, "peak RSS " + report.peakRssMb());
        assertTrue(report.peakHeapMb() > 0);
    }

    @Test
    void jsonHasTheContractKeys() {
        Map<String, Object> json = report.toJsonTree();
        for (String key : List.of("frames", "wall_seconds", "fps", "detector_ratio", "efficiency", "rss_mb", "stages",
                "limits", "variants")) {
            assertNotNull(json.get(key), key);
        }
        assertEquals(40L, json.get("frames"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> stages = (Map<String, Map<String, Object>>) json.get("stages");
        for (String stage : List.of("decode", "motion", "preprocess", "inference", "postprocess")) {
            for (String key : List.of("p50_ms", "p95_ms", "p99_ms", "mean_ms")) {
                assertNotNull(stages.get(stage).get(key), stage + "." + key);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> limits = (Map<String, Object>) json.get("limits");
        assertNotNull(limits.get("decode_fps"));
        assertNotNull(limits.get("detector_ms_p50"));
        assertEquals(2, ((List<?>) json.get("variants")).size());
    }

    @Test
    void tableShowsEveryStageAndTheComparison() {
        StringWriter text = new StringWriter();
        report.printTable(new PrintWriter(text));
        String t = text.toString();
        for (String stage : List.of("decode", "motion", "preprocess", "inference", "postprocess")) {
            assertTrue(t.contains("\n  " + stage + " "), stage + " row missing:\n" + t);
        }
        assertTrue(t.contains("efficiency"), t);
        assertTrue(t.contains("decode only"), t);
        assertTrue(t.contains("onnxruntime-cpu:threads=1") && t.contains("onnxruntime-cpu:threads=2"), t);
        assertTrue(t.contains("peak RSS"), t);
    }

    @Test
    void aMissingVideoIsOneClearError() {
        BenchOptions options = new BenchOptions(dir.resolve("nope.mp4").toString(),
                List.of(EngineVariant.parse("onnxruntime-cpu", 1, TestMedia.model())), "yolox", List.of("person"), 0,
                0, MotionSettings.DEFAULTS, new DetectorSettings(0.4f, 0.45f, Set.of("person")));
        SourceException e = assertThrows(SourceException.class,
                () -> new Bench(options, EngineRegistry.standard(), SourceFactory.ffmpeg()).run());
        assertTrue(e.getMessage().startsWith("video file not found"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("nope.mp4")));
    }
}
