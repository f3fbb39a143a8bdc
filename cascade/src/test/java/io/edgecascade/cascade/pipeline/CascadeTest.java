package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.detect.Labels;
import io.edgecascade.cascade.detect.ModelTypes;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.events.EventForwarding;
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

    /**
     * Positive frames by sequence number, with their timestamps, and the frames {@code cloud.forward: events}
     * chose for the uplink.
     */
    record Run(RunSummary summary, TreeMap<Long, Long> positivePts, List<Long> forwarded) {
    }

    static ObjectDetector detector() throws Exception {
        return ModelTypes.detector("yolox", OnnxRuntimeCpuEngine.open(new EngineOptions(TestAssets.model(), 2)),
                Labels.read(TestAssets.labels()));
    }

    private static Run run(MotionSettings motion, Path events) throws Exception {
        return run(new CameraSettings("lobby", TestAssets.personVideo().toString(), false, motion, PERSON), events);
    }

    static Run run(CameraSettings cam, Path events) throws Exception {
        TreeMap<Long, Long> positives = new TreeMap<>();
        FrameSink collect = p -> {
            if (p.positive()) {
                positives.put(p.frame().sequence(), p.frame().ptsMillis());
            }
        };
        List<Long> forwarded = new ArrayList<>();
        FrameSink uplink = new EventForwarding(u -> forwarded.add(u.sequence()), EventForwarding.Mode.EVENTS,
                new BestFrames(BestFrames.Settings.DEFAULTS, 90));
        try (Cascade cascade = new Cascade(List.of(cam), SourceFactory.ffmpeg(), List.of(detector()),
                List.of(collect, EventLog.open(events), uplink), QUIET, List.of())) {
            cascade.start();
            cascade.awaitCompletion();
            assertNull(cascade.failure());
            assertTrue(cascade.failedCameras().isEmpty(), () -> cascade.summary().errors().toString());
            return new Run(cascade.summary(), positives, forwarded);
        }
    }

    /** Walk-throughs: runs of consecutive positive frames lasting more than 1 s; [first pts, last pts]. */
    static List<long[]> walkThroughs(TreeMap<Long, Long> positives) {
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

    private static Run truth;

    /**
     * The ground truth, computed once per test JVM: the cascade with the gate off (the detector on every frame).
     * Walk-throughs are its runs of positive frames longer than 1 s.
     */
    static synchronized Run groundTruth() throws Exception {
        if (truth == null) {
            Path events = Files.createTempFile("truth-", ".jsonl");
            try {
                truth = run(MotionSettings.DEFAULTS.withEnabled(false), events);
            } finally {
                Files.deleteIfExists(events);
            }
        }
        return truth;
    }

    /** Event lines of a run, parsed. */
    static List<JsonNode> eventLines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(new ObjectMapper().readTree(line));
        }
        return out;
    }

    @Test
    void eachWalkThroughIsOneEventStartedWithinASecondWithTheDetectorOnFewFramesAndAFewFramesUplinked(
            @TempDir Path dir) throws Exception {
        Run truthRun = groundTruth();
        Run gated = run(MotionSettings.DEFAULTS, dir.resolve("gated.jsonl"));

        var all = truthRun.summary().cameras().get("lobby");
        var g = gated.summary().cameras().get("lobby");
        assertEquals(1394, all.decoded());
        assertEquals(1394, all.detected(), "with the gate off every frame is detected");
        assertEquals(1394, g.decoded());
        assertEquals(0, g.dropped(), "a file read at full speed never drops");
        assertEquals(0, g.decodeErrors());

        List<long[]> runs = walkThroughs(truthRun.positivePts());
        assertEquals(6, runs.size(), "the video has 6 walk-throughs");
        List<JsonNode> lines = eventLines(dir.resolve("gated.jsonl"));
        List<JsonNode> starts = lines.stream().filter(l -> l.get("type").asText().equals("start")).toList();
        List<JsonNode> ends = lines.stream().filter(l -> l.get("type").asText().equals("end")).toList();
        List<String> report = new ArrayList<>();
        for (long[] r : runs) {
            JsonNode hit = starts.stream().filter(l -> Math.abs(l.get("pts_ms").asLong() - r[0]) <= 1000).findFirst()
                    .orElse(null);
            report.add(String.format("walk-through %.1f-%.1f s: event started %s, first positive frame %s",
                    r[0] / 1000.0, r[1] / 1000.0,
                    hit == null ? "MISSING" : String.format("%+d ms", hit.get("pts_ms").asLong() - r[0]),
                    gated.positivePts().values().stream().filter(p -> p >= r[0] - 1000).findFirst()
                            .map(p -> String.format("%+d ms", p - r[0])).orElse("none")));
            assertNotNull(hit, "no event started within 1 s of the walk-through starting at " + r[0] + " ms: "
                    + report);
        }
        double ratio = (double) g.detected() / g.decoded();
        double uplink = (double) gated.forwarded().size() / g.decoded();
        System.out.printf("ground truth: %d walk-throughs, %d positive frames of %d%n", runs.size(),
                all.positive(), all.decoded());
        report.forEach(System.out::println);
        System.out.printf("gated: detector ran on %d of %d frames (%.1f%%), %d positive frames, %d events, %d frames"
                + " uplinked (%.1f%%)%n", g.detected(), g.decoded(), 100 * ratio, g.positive(), starts.size(),
                gated.forwarded().size(), 100 * uplink);
        lines.forEach(l -> System.out.println("  " + l));
        assertTrue(starts.size() >= runs.size() && starts.size() <= 8, starts.size() + " events for 6 people");
        assertEquals(starts.size(), gated.summary().events().get("lobby").longValue());
        assertEquals(starts.size(), ends.size(), "every event ends (at the latest when the video ends)");
        assertTrue(ratio <= 0.20, "the detector ran on " + 100 * ratio + "% of frames");
        assertTrue(uplink <= 0.02, "uplink " + 100 * uplink + "% of frames");
        assertTrue(gated.forwarded().size() >= starts.size(), "each event's best frame goes up at its start");
        assertTrue(truthRun.positivePts().keySet().containsAll(gated.positivePts().keySet()),
                "the detector is deterministic: every gated positive is a ground-truth positive");

        JsonNode first = starts.get(0);
        assertEquals("lobby", first.get("camera").asText());
        assertTrue(gated.positivePts().containsKey(first.get("frame").asLong()), "a start describes a positive frame");
        assertEquals(gated.positivePts().get(first.get("frame").asLong()).longValue(), first.get("pts_ms").asLong());
        assertTrue(first.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), first.toString());
        assertEquals("person", first.get("label").asText());
        assertTrue(first.get("score").asDouble() >= 0.4);
        assertEquals(4, first.get("box").size());
        assertTrue(first.get("zones").isArray());
        for (JsonNode end : ends) {
            String id = end.get("event_id").asText();
            JsonNode start = starts.stream().filter(l -> l.get("event_id").asText().equals(id)).findFirst().orElseThrow();
            assertEquals(start.get("track_id").asLong(), end.get("track_id").asLong());
            assertTrue(end.get("score").asDouble() >= start.get("score").asDouble(), "the best score only rises");
            assertTrue(end.get("pts_ms").asLong() >= start.get("pts_ms").asLong());
            assertTrue(end.get("duration_s").asDouble() > 0, end.toString());
            assertTrue(List.of("lost", "stream_end").contains(end.path("reason").asText()),
                    "an end says why: not seen for max_age, or the file ended: " + end);
        }
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
    void aMaskPolygonOutsideTheFrameStopsItsCameraWithTheReason(@TempDir Path dir) throws Exception {
        Path clip = TestAssets.personClip(dir, 20, 2);
        MotionSettings badMask = MotionSettings.DEFAULTS.withMask(List.of(
                io.edgecascade.cascade.motion.Polygon.of(0, 0, 900, 0, 900, 100)));
        List<CameraSettings> cams = List.of(
                new CameraSettings("good", clip.toString(), false, MotionSettings.DEFAULTS, PERSON),
                new CameraSettings("masked", clip.toString(), false, badMask, PERSON));
        try (Cascade cascade = new Cascade(cams, SourceFactory.ffmpeg(), List.of(new SlowDetector(0)), List.of(),
                QUIET, List.of())) {
            cascade.start();
            cascade.awaitCompletion();
            RunSummary s = cascade.summary();
            assertEquals(List.of("masked"), cascade.failedCameras());
            assertEquals("motion.mask polygon 1: point (900, 0) is outside the 768x432 frame; use pixels within the"
                    + " frame or fractions 0..1", s.errors().get("masked"));
            assertEquals(20, s.cameras().get("good").decoded(), "the other camera runs on");
        }
    }

    @Test
    void aLiveSourceDropsFramesItCannotDetectInsteadOfFallingBehind(@TempDir Path dir) throws Exception {
        Path clip = TestAssets.personClip(dir, 20, 4);
        MotionSettings everyFrame = MotionSettings.DEFAULTS.withEnabled(false);
        CameraSettings cam = new CameraSettings("live", clip.toString(), true, everyFrame, PERSON);
        // The detector takes its first frame and holds it until the source has decoded the whole clip: a source
        // held back by the detector could never get there (the detector gives up after 60 s and says so). No
        // clock decides anything, so a loaded machine gives the same counts.
        int frames = 40;
        java.util.concurrent.CountDownLatch allDecoded = new java.util.concurrent.CountDownLatch(frames);
        java.util.concurrent.atomic.AtomicBoolean sourceFinishedWhileDetecting =
                new java.util.concurrent.atomic.AtomicBoolean();
        io.edgecascade.cascade.api.PipelineObserver decoded = new io.edgecascade.cascade.api.PipelineObserver() {
            @Override
            public void frame(String camera, io.edgecascade.cascade.api.Outcome outcome) {
                if (outcome == io.edgecascade.cascade.api.Outcome.DECODED) {
                    allDecoded.countDown();
                }
            }
        };
        try (ObjectDetector slow = new SlowDetector(0) {
                    private boolean first = true;

                    @Override
                    public io.edgecascade.cascade.detect.DetectionResult detect(org.bytedeco.opencv.opencv_core.Mat bgr,
                            float minScore, float nmsIou) throws io.edgecascade.engines.EngineException {
                        if (first) {
                            first = false;
                            try {
                                sourceFinishedWhileDetecting.set(allDecoded.await(60, java.util.concurrent.TimeUnit
                                        .SECONDS));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        return super.detect(bgr, minScore, nmsIou);
                    }
                };
                Cascade cascade = new Cascade(List.of(cam), SourceFactory.ffmpeg(), List.of(slow), List.of(),
                        new CascadeOptions(2, 8, Duration.ZERO), List.of(decoded))) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(120_000), "the run did not end");
            var c = cascade.summary().cameras().get("live");
            assertTrue(sourceFinishedWhileDetecting.get(), "the source waited for the busy detector: " + c);
            assertEquals(frames, c.decoded());
            assertEquals(c.decoded(), c.detected() + c.dropped() + c.motionSkipped());
            // the held frame, then at most what waited in the camera's one slot and the clip's last frame
            assertTrue(c.detected() <= 3, "detected " + c.detected());
            assertTrue(c.dropped() >= frames - 3, "dropped " + c.dropped());
        }
    }

    @Test
    void stopFinishesTheFramesInFlightAndEndsPromptly(@TempDir Path dir) throws Exception {
        Path clip = TestAssets.personClip(dir, 20, 10);
        CameraSettings cam = new CameraSettings("cam", clip.toString(), true, MotionSettings.DEFAULTS.withEnabled(false),
                PERSON);
        List<Long> delivered = new ArrayList<>();
        List<io.edgecascade.cascade.api.TrackEvent.Type> lines = new ArrayList<>();
        int positivesBeforeStop = 10;
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(positivesBeforeStop);
        try (Cascade cascade = new Cascade(List.of(cam), SourceFactory.ffmpeg(), List.of(new SlowDetector(0) {
            @Override
            public io.edgecascade.cascade.detect.DetectionResult detect(org.bytedeco.opencv.opencv_core.Mat bgr,
                    float minScore, float nmsIou) {
                return new io.edgecascade.cascade.detect.DetectionResult(List.of(new io.edgecascade.cascade.api
                        .Detection("person", 0, 0.9f, 1, 1, 5, 5)), 0, 0, 0);
            }
        }), List.of(p -> {
            if (p.positive()) {
                delivered.add(p.frame().sequence());
                running.countDown();
            }
            p.tracks().events().forEach(e -> lines.add(e.type()));
        }), QUIET, List.of())) {
            cascade.start();
            // mid-run by what reached the sink, not by the clock: a loaded machine gets there later
            assertTrue(running.await(60, java.util.concurrent.TimeUnit.SECONDS), "no positive frames within 60 s");
            cascade.requestStop();
            assertTrue(cascade.awaitCompletion(30_000), "the cascade did not stop within 30 s");
            var c = cascade.summary().cameras().get("cam");
            // the clip has 100 frames at real time: a stop that did not end it early would have read them all
            assertTrue(c.decoded() >= positivesBeforeStop && c.decoded() < 100, "decoded " + c.decoded());
            assertEquals(c.positive(), delivered.size(), "every positive frame detected reached the sink");
            assertEquals(1, java.util.Collections.frequency(lines, io.edgecascade.cascade.api.TrackEvent.Type.START),
                    lines.toString());
            assertEquals(io.edgecascade.cascade.api.TrackEvent.Type.END, lines.get(lines.size() - 1),
                    "the event open when the run was stopped is ended: " + lines);
        }
    }
}
