package io.edgecascade.cascade.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineInfo;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.OnnxRuntimeCpuEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The equivalence harness on the 100 COCO images of the test data, with the real CPU engine. */
class EngineAgreementTest {

    private static Path assets;
    private static List<String> labels;
    private static ObjectDetector oneThread;

    @BeforeAll
    static void open() throws Exception {
        assets = io.edgecascade.cascade.TestAssets.root(); // fails, never skips, without the test data
        labels = Labels.read(assets.resolve("models/coco_classes.txt"));
        oneThread = detector(1);
    }

    @AfterAll
    static void close() {
        if (oneThread != null) {
            oneThread.close();
        }
    }

    private static ObjectDetector detector(int threads) throws EngineException {
        return YoloxDetector.create(OnnxRuntimeCpuEngine.open(
                new EngineOptions(assets.resolve("models/yolox_nano.onnx"), threads)), labels);
    }

    @Test
    void theCpuEngineAgreesWithItselfAcrossThreadCounts() throws Exception {
        List<Path> images = EngineAgreement.images(assets.resolve("images/coco"));
        assertEquals(100, images.size());
        try (ObjectDetector twoThreads = detector(2)) {
            EngineAgreement.Result r = EngineAgreement.compare(oneThread, twoThreads, images, 0.25f, 0.45f);
            assertEquals(100, r.images());
            assertTrue(r.referenceBoxes() > 100, "YOLOX-Nano finds objects in COCO: " + r.referenceBoxes());
            assertTrue(r.map50() >= 0.99, r.summary());
            assertTrue(r.reference().inferenceMeanMs() > 0 && r.candidate().inferenceMeanMs() > 0, r.summary());
            assertTrue(r.reference().inferenceP95Ms() >= r.reference().inferenceP50Ms(), r.summary());
            assertEquals(r.map50(), (double) r.toMap().get("map50"));
        }
    }

    @Test
    void aDetectorThatMovesItsBoxesScoresLower() throws Exception {
        List<Path> images = EngineAgreement.images(assets.resolve("images/coco")).subList(0, 30);
        try (ObjectDetector shifted = new Shifted(detector(1))) {
            EngineAgreement.Result r = EngineAgreement.compare(oneThread, shifted, images, 0.25f, 0.45f);
            assertTrue(r.map50() < 0.5, "boxes moved by 40% of their width must not agree: " + r.summary());
            assertEquals(r.referenceBoxes(), r.candidateBoxes(), "same boxes, only moved");
        }
    }

    /** A deliberately wrong detector: every box shifted right by 40% of its width. */
    private static final class Shifted implements ObjectDetector {
        private final ObjectDetector inner;

        Shifted(ObjectDetector inner) {
            this.inner = inner;
        }

        @Override
        public DetectionResult detect(Mat bgr, float minScore, float nmsIou) throws EngineException {
            DetectionResult r = inner.detect(bgr, minScore, nmsIou);
            return new DetectionResult(r.detections().stream().map(d -> new Detection(d.label(), d.classId(),
                    d.score(), d.x1() + 0.4f * d.width(), d.y1(), d.x2() + 0.4f * d.width(), d.y2())).toList(),
                    r.preprocessNanos(), r.inferenceNanos(), r.postprocessNanos());
        }

        @Override
        public List<String> labels() {
            return inner.labels();
        }

        @Override
        public EngineInfo engine() {
            return new EngineInfo("shifted", "cpu", "fp32", inner.engine().model());
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
