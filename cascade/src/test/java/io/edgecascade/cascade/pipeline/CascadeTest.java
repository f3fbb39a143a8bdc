package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.detect.Labels;
import io.edgecascade.cascade.detect.ModelTypes;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.events.EventLog;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.OnnxRuntimeCpuEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cascade end to end on the sample video: decode, gate, YOLOX on ONNX Runtime, event log. */
class CascadeTest {

    private static final DetectorSettings PERSON = new DetectorSettings(0.4f, 0.45f, Set.of("person"));
    private static final CascadeOptions QUIET = new CascadeOptions(8, 64, Duration.ZERO);

    /** Positive frames by sequence number, with their timestamps. */
    private record Run(RunSummary summary, TreeMap<Long, Long> positivePts) {
    }

    private static ObjectDetector detector() throws Exception {
        return ModelTypes.detector("yolox", OnnxRuntimeCpuEngine.open(new EngineOptions(TestAssets.model(), 2)),
                Labels.read(TestAssets.labels()));
    }

    private static Run run(MotionSettings motion, Path events) throws Exception {
        CameraSettings cam = new CameraSettings("lobby", TestAssets.personVideo().toString(), false, motion, PERSON);
        TreeMap<Long, Long> positives = new TreeMap<>();
        FrameSink collect = p -> positives.put(p.frame().sequence(), p.frame().ptsMillis());
        try (Cascade cascade = new Cascade(List.of(cam), SourceFactory.ffmpeg(), List.of(detector()),
                List.of(collect, EventLog.open(events)), QUIET, List.of())) {
            cascade.start();
            cascade.awaitCompletion();
            assertNull(cascade.failure());
            assertTrue(cascade.failedCameras().isEmpty(), () -> cascade.summary().errors().toString());
            return new Run(cascade.summary(), positives);
        }
    }

    /** Walk-throughs: runs of consecutive positive frames lasting more than 1 s; [first pts, last pts]. */
    private static List<long[]> walkThroughs(TreeMap<Long, Long> positives) {
        List<long[]> runs = new ArrayList<>();
        Long start = null;
        Long prev = null;
        for (Map.Entry<Long, Long> e : positives.entrySet()) {
            if (prev == null || e.getKey() != prev + 1) {
                if (start != null && positives.get(prev) - positives.get(start) > 1000) {
                    runs.add(new long[] {positives.get(start), positives.get(prev)});
                }
                start = e.getKey();
            }
            prev = e.getKey();
        }
        if (start != null && positives.get(prev) - positives.get(start) > 1000) {
            runs.add(new long[] {positives.get(start), positives.get(prev)});
        }
        return runs;
    }

    @Test
    void theGateCatchesEveryWalkThroughWhileRunningTheDetectorOnFewFrames(@TempDir Path dir) throws Exception {
        Run truth = run(MotionSettings.DEFAULTS.withEnabled(false), dir.resolve("truth.jsonl"));
        Run gated = run(MotionSettings.DEFAULTS, dir.resolve("gated.jsonl"));

        var all = truth.summary().cameras().get("lobby");
        var g = gated.summary().cameras().get("lobby");
        assertEquals(1394, all.decoded());
        assertEquals(1394, all.detected(), "with the gate off every frame is detected");
        assertEquals(1394, g.decoded());
        assertEquals(0, g.dropped(), "a file read at full speed never drops");
        assertEquals(0, g.decodeErrors());

        List<long[]> runs = walkThroughs(truth.positivePts());
        assertTrue(runs.size() >= 4, "the video has several walk-throughs, found " + runs.size());
        List<String> report = new ArrayList<>();
        for (long[] r : runs) {
            Long hit = gated.positivePts().values().stream().filter(p -> p >= r[0] && p <= r[0] + 1000).findFirst()
                    .orElse(null);
            report.add(String.format("walk-through %.1f-%.1f s: first gated event %s", r[0] / 1000.0, r[1] / 1000.0,
                    hit == null ? "MISSING" : String.format("+%d ms", hit - r[0])));
            assertNotNull(hit, "no positive event within 1 s of the walk-through starting at " + r[0] + " ms");
        }
        double ratio = (double) g.detected() / g.decoded();
        System.out.printf("ground truth: %d walk-throughs, %d positive frames of %d%n", runs.size(),
                all.positive(), all.decoded());
        report.forEach(System.out::println);
        System.out.printf("gated: detector ran on %d of %d frames (%.1f%%), %d positive frames%n", g.detected(),
                g.decoded(), 100 * ratio, g.positive());
        assertTrue(ratio <= 0.30, "the gate ran the detector on " + 100 * ratio + "% of frames");
        assertTrue(truth.positivePts().keySet().containsAll(gated.positivePts().keySet()),
                "the detector is deterministic: every gated positive is a ground-truth positive");

        List<String> lines = Files.readAllLines(dir.resolve("gated.jsonl"));
        assertEquals(g.positive(), lines.size(), "one event line per positive frame");
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertEquals("lobby", first.get("camera").asText());
        assertEquals(gated.positivePts().firstKey().longValue(), first.get("frame").asLong());
        assertEquals(gated.positivePts().firstEntry().getValue().longValue(), first.get("pts_ms").asLong());
        assertTrue(first.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), first.toString());
        assertTrue(first.get("motion").asDouble() >= MotionSettings.DEFAULTS.minArea(), first.toString());
        JsonNode d = first.get("detections").get(0);
        assertEquals("person", d.get("label").asText());
        assertEquals(0, d.get("class_id").asInt());
        assertTrue(d.get("score").asDouble() >= 0.4);
        assertEquals(4, d.get("box").size());
        assertTrue(new ObjectMapper().readTree(Files.readAllLines(dir.resolve("truth.jsonl")).get(0)).get("motion")
                .isNull(), "no motion figure when the gate is off");
    }

    @Test
    void aBrokenCameraEndsAloneWithItsErrorWhileTheOthersFinish(@TempDir Path dir) throws Exception {
        Path clip = TestAssets.personClip(dir, 20, 6);
        Path junk = dir.resolve("junk.mp4");
        Files.write(junk, new byte[50_000]);
        List<CameraSettings> cams = List.of(
                new CameraSettings("good", clip.toString(), false, MotionSettings.DEFAULTS, PERSON),
                new CameraSettings("broken", junk.toString(), false, MotionSettings.DEFAULTS, PERSON),
                new CameraSettings("missing", dir.resolve("none.mp4").toString(), false, MotionSettings.DEFAULTS,
                        PERSON));
        try (Cascade cascade = new Cascade(cams, SourceFactory.ffmpeg(), List.of(detector()), List.of(), QUIET,
                List.of())) {
            cascade.start();
            cascade.awaitCompletion();
            RunSummary s = cascade.summary();
            assertEquals(60, s.cameras().get("good").decoded());
            assertFalse(s.errors().containsKey("good"));
            assertTrue(s.errors().get("broken").contains("cannot open video"), s.errors().toString());
            assertTrue(s.errors().get("missing").contains("video file not found"), s.errors().toString());
            assertEquals(List.of("broken", "missing"), cascade.failedCameras());
            assertTrue(s.toJson().contains("\"error\""), s.toJson());
        }
    }

    @Test
    void aLiveSourceDropsFramesItCannotDetectInsteadOfFallingBehind(@TempDir Path dir) throws Exception {
        Path clip = TestAssets.personClip(dir, 20, 4);
        MotionSettings everyFrame = MotionSettings.DEFAULTS.withEnabled(false);
        CameraSettings cam = new CameraSettings("live", clip.toString(), true, everyFrame, PERSON);
        try (ObjectDetector slow = new SlowDetector(250);
                Cascade cascade = new Cascade(List.of(cam), SourceFactory.ffmpeg(), List.of(slow), List.of(),
                        new CascadeOptions(2, 8, Duration.ZERO), List.of())) {
            long t0 = System.nanoTime();
            cascade.start();
            cascade.awaitCompletion();
            double seconds = (System.nanoTime() - t0) / 1e9;
            var c = cascade.summary().cameras().get("live");
            assertEquals(40, c.decoded());
            assertTrue(c.dropped() > 10, "dropped " + c.dropped());
            assertEquals(c.decoded(), c.detected() + c.dropped() + c.motionSkipped());
            assertTrue(seconds < 8, "paced at the file's rate, not held back by the detector: " + seconds + " s");
        }
    }

    @Test
    void stopFinishesTheFramesInFlightAndEndsPromptly(@TempDir Path dir) throws Exception {
        Path clip = TestAssets.personClip(dir, 20, 10);
        CameraSettings cam = new CameraSettings("cam", clip.toString(), true, MotionSettings.DEFAULTS.withEnabled(false),
                PERSON);
        List<Long> delivered = new ArrayList<>();
        try (Cascade cascade = new Cascade(List.of(cam), SourceFactory.ffmpeg(), List.of(new SlowDetector(0) {
            @Override
            public io.edgecascade.cascade.detect.DetectionResult detect(org.bytedeco.opencv.opencv_core.Mat bgr,
                    float minScore, float nmsIou) {
                return new io.edgecascade.cascade.detect.DetectionResult(List.of(new io.edgecascade.cascade.detect
                        .Detection("person", 0, 0.9f, 1, 1, 5, 5)), 0, 0, 0);
            }
        }), List.of(p -> delivered.add(p.frame().sequence())), QUIET, List.of())) {
            cascade.start();
            Thread.sleep(2000);
            long t0 = System.nanoTime();
            cascade.requestStop();
            assertTrue(cascade.awaitCompletion(5000), "the cascade did not stop within 5 s");
            assertTrue((System.nanoTime() - t0) / 1e9 < 2);
            var c = cascade.summary().cameras().get("cam");
            assertTrue(c.decoded() > 10 && c.decoded() < 100, "decoded " + c.decoded());
            assertEquals(c.positive(), delivered.size(), "every positive frame detected reached the sink");
        }
    }
}
