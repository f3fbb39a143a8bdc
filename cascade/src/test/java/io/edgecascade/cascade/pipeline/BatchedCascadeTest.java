package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.Outcome;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.detect.DetectRequest;
import io.edgecascade.cascade.detect.DetectionResult;
import io.edgecascade.cascade.detect.Labels;
import io.edgecascade.cascade.detect.ModelTypes;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.events.EventLog;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.quantize.BatchRewrite;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineInfo;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pipeline.batch: 4} on four file cameras of the sample video: the detector workers run frames of different
 * cameras as one batch on the model rewritten to batch 4, and every camera gets what the frame-by-frame run gives it:
 * the same detections on the same frames, in capture order, and the same events.
 */
class BatchedCascadeTest {

    private static final DetectorSettings PERSON = new DetectorSettings(0.4f, 0.45f, Set.of("person"));
    private static final List<String> CAMERAS = List.of("cam0", "cam1", "cam2", "cam3");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static Path clip;

    @BeforeAll
    static void clip() throws Exception {
        clip = TestAssets.personClip(dir, 20, 8); // 80 frames of 768x432, one person walking through
    }

    /** What one run gave each camera: positive frames in the order the sink got them, and event lines. */
    record Run(Map<String, List<Long>> order, Map<String, Map<Long, List<Detection>>> detections,
            Map<String, List<JsonNode>> events, RunSummary summary, List<Integer> batches) {
    }

    private static ObjectDetector detector(int batch) throws Exception {
        Path model = BatchRewrite.file(TestAssets.model(), batch, dir.resolve("cache"));
        return ModelTypes.detector("yolox", OnnxRuntimeCpuEngine.open(new EngineOptions(model, 1)),
                Labels.read(TestAssets.labels()));
    }

    private static Run run(String name, List<ObjectDetector> workers, int batch, PipelineObserver extra)
            throws Exception {
        List<CameraSettings> cams = new ArrayList<>();
        // gate off: every frame is detected, so what each camera gets does not hang on how far its capture thread
        // ran ahead of the detectors (the gate's hold and hurry read the tracks as they are at capture time)
        CAMERAS.forEach(id -> cams.add(new CameraSettings(id, clip.toString(), false,
                MotionSettings.DEFAULTS.withEnabled(false), PERSON)));
        Map<String, List<Long>> order = new ConcurrentHashMap<>();
        Map<String, Map<Long, List<Detection>>> detections = new ConcurrentHashMap<>();
        FrameSink collect = p -> {
            if (p.positive()) {
                String id = p.frame().camera();
                order.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(p.frame().sequence());
                detections.computeIfAbsent(id, k -> new ConcurrentHashMap<>()).put(p.frame().sequence(),
                        p.detections());
            }
        };
        List<Integer> batches = new CopyOnWriteArrayList<>();
        PipelineObserver sizes = new PipelineObserver() {
            @Override
            public void detectorBatch(int images, int size) {
                assertEquals(batch, size);
                batches.add(images);
            }
        };
        Path events = dir.resolve(name + ".jsonl");
        CascadeOptions options = new CascadeOptions(8, 64, Duration.ZERO).withDetectorBatch(batch);
        try (Cascade cascade = new Cascade(cams, SourceFactory.ffmpeg(), workers, List.of(collect,
                EventLog.open(events)), options, List.of(sizes, extra))) {
            cascade.start();
            cascade.awaitCompletion();
            assertNull(cascade.failure());
            assertTrue(cascade.failedCameras().isEmpty(), () -> cascade.summary().errors().toString());
            Map<String, List<JsonNode>> lines = new TreeMap<>();
            for (String line : Files.readAllLines(events)) {
                JsonNode n = JSON.readTree(line);
                lines.computeIfAbsent(n.get("camera").asText(), k -> new ArrayList<>()).add(n);
            }
            return new Run(order, detections, lines, cascade.summary(), batches);
        }
    }

    @Test
    void batchesOfFourGiveEachCameraWhatFrameByFrameGives() throws Exception {
        Run single = run("batch1", List.of(detector(1), detector(1)), 1, new PipelineObserver() { });
        Run batched = run("batch4", List.of(detector(4), detector(4)), 4, new PipelineObserver() { });

        assertTrue(single.batches().isEmpty(), "batch 1 runs frame by frame");
        assertTrue(batched.batches().stream().allMatch(n -> n >= 1 && n <= 4), batched.batches().toString());
        assertTrue(batched.batches().stream().anyMatch(n -> n > 1),
                "frames of several cameras ran together: " + batched.batches());
        for (String id : CAMERAS) {
            assertEquals(80, batched.summary().cameras().get(id).decoded());
            assertEquals(80, batched.summary().cameras().get(id).detected());
            assertEquals(single.summary().cameras().get(id).detected(),
                    batched.summary().cameras().get(id).detected(), id + ": frames detected");
            assertEquals(0, batched.summary().cameras().get(id).detectorErrors());
            List<Long> seen = batched.order().get(id);
            assertTrue(seen != null && seen.size() > 10, id + " saw the person: " + seen);
            assertEquals(single.order().get(id), seen, id + ": the same positive frames, in capture order");
            for (long seq : seen) {
                sameBoxes(single.detections().get(id).get(seq), batched.detections().get(id).get(seq),
                        id + " frame " + seq);
            }
            List<JsonNode> a = single.events().get(id);
            List<JsonNode> b = batched.events().get(id);
            assertTrue(a != null && !a.isEmpty(), id + ": the walk-through is an event");
            assertEquals(a.size(), b.size(), id + ": event lines");
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).get("type"), b.get(i).get("type"));
                assertEquals(a.get(i).get("frame"), b.get(i).get("frame"), id + " event " + i);
                assertEquals(a.get(i).get("track_id"), b.get(i).get("track_id"));
                for (int k = 0; k < 4; k++) {
                    assertEquals(a.get(i).get("box").get(k).asDouble(), b.get(i).get("box").get(k).asDouble(), 0.5,
                            id + " event " + i + " box");
                }
            }
        }
    }

    private static void sameBoxes(List<Detection> want, List<Detection> got, String where) {
        assertEquals(want.size(), got.size(), () -> where + ": " + want + " vs " + got);
        for (int i = 0; i < want.size(); i++) {
            Detection a = want.get(i);
            Detection b = got.get(i);
            assertEquals(a.label(), b.label(), where);
            assertEquals(a.score(), b.score(), 1e-3f, where);
            assertEquals(a.x1(), b.x1(), 0.1f, where);
            assertEquals(a.y1(), b.y1(), 0.1f, where);
            assertEquals(a.x2(), b.x2(), 0.1f, where);
            assertEquals(a.y2(), b.y2(), 0.1f, where);
        }
    }

    /** A batched session whose third batch of two or more frames fails, as an engine error would. */
    private static final class FailingBatch implements ObjectDetector {
        private final ObjectDetector real;
        private final AtomicInteger multi = new AtomicInteger();
        final List<String> failedOn = new CopyOnWriteArrayList<>();

        FailingBatch(ObjectDetector real) {
            this.real = real;
        }

        @Override
        public List<DetectionResult> detectBatch(List<DetectRequest> images) throws EngineException {
            if (images.size() > 1 && multi.incrementAndGet() == 3) {
                images.forEach(r -> failedOn.add("image of " + r.bgr().cols() + "x" + r.bgr().rows()));
                throw new EngineException("CUDA error: an illegal memory access was encountered");
            }
            return real.detectBatch(images);
        }

        @Override
        public DetectionResult detect(Mat bgr, float minScore, float nmsIou) throws EngineException {
            return detectBatch(List.of(new DetectRequest(bgr, minScore, nmsIou))).get(0);
        }

        @Override
        public int batch() {
            return real.batch();
        }

        @Override
        public int inputSide() {
            return real.inputSide();
        }

        @Override
        public List<String> labels() {
            return real.labels();
        }

        @Override
        public EngineInfo engine() {
            return real.engine();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    @Test
    void anEngineErrorOnABatchCountsForEachFrameInItAndTheRunGoesOn() throws Exception {
        FailingBatch failing = new FailingBatch(detector(4));
        RecordingObserver seen = new RecordingObserver();
        Map<String, AtomicInteger> errorFrames = new ConcurrentHashMap<>();
        PipelineObserver both = PipelineObserver.of(List.of(seen, new PipelineObserver() {
            @Override
            public void frame(String camera, Outcome outcome) {
                if (outcome == Outcome.DETECTOR_ERROR) {
                    errorFrames.computeIfAbsent(camera, k -> new AtomicInteger()).incrementAndGet();
                }
            }
        }));
        Run run = run("failing", List.of(failing), 4, both);

        int failed = failing.failedOn.size();
        assertTrue(failed >= 2 && failed <= 4, failing.failedOn.toString());
        long errors = 0;
        long errorOutcomes = 0;
        for (String id : CAMERAS) {
            long e = seen.errors(id, "detector");
            assertTrue(e <= 1, id + ": one frame of each camera is in a batch");
            assertEquals(e, run.summary().cameras().get(id).detectorErrors(), id);
            errors += e;
            errorOutcomes += errorFrames.getOrDefault(id, new AtomicInteger()).get();
            List<Long> order = run.order().get(id);
            for (int i = 1; order != null && i < order.size(); i++) {
                assertTrue(order.get(i) > order.get(i - 1), id + ": capture order kept " + order);
            }
            assertEquals(80, run.summary().cameras().get(id).decoded());
        }
        assertEquals(failed, errors, "an error on a batch counts for each frame in it");
        assertEquals(failed, errorOutcomes, "each of its frames is a detector_error");
        assertEquals(0, seen.restarts("detector"), "one failed batch is within the error budget");
        assertTrue(run.batches().size() >= 3, "batches after the failed one ran: " + run.batches());
    }
}
