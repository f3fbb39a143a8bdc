package io.edgecascade.cascade.detect;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromONNX;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.OnnxRuntimeCpuEngine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The detector on real COCO images, held to the facts of ../shared/README.md and to an independent reference:
 * OpenCV's own DNN module running the same ONNX file, fed by a letterbox built another way
 * (copyMakeBorder + blobFromImage), decoded by the plain loop below.
 */
class YoloxDetectorTest {

    private static ObjectDetector detector;

    @BeforeAll
    static void load() throws Exception {
        detector = ModelTypes.detector("yolox",
                OnnxRuntimeCpuEngine.open(new EngineOptions(TestAssets.model(), 2)), Labels.read(TestAssets.labels()));
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    private static List<Detection> detect(String image, float minScore) throws EngineException {
        try (Mat img = imread(TestAssets.cocoImage(image).toString())) {
            assertFalse(img.empty(), "cannot read " + image);
            return detector.detect(img, minScore, 0.45f).detections();
        }
    }

    @Test
    void findsTwoPeopleAndTheFurnitureInImage139() throws Exception {
        List<Detection> found = detect("000000000139.jpg", 0.3f);
        List<Detection> persons = found.stream().filter(d -> d.label().equals("person")).toList();
        assertEquals(2, persons.size(), "persons: " + found);
        assertEquals(0.69, persons.get(0).score(), 0.02, "best person score");
        assertEquals(2, found.stream().filter(d -> d.label().equals("chair")).count(), "chairs: " + found);
        assertTrue(found.stream().anyMatch(d -> d.label().equals("diningtable")), "dining table: " + found);
        assertTrue(found.stream().anyMatch(d -> d.label().equals("tvmonitor")), "tv: " + found);
    }

    @Test
    void findsOneBearInImage285() throws Exception {
        List<Detection> found = detect("000000000285.jpg", 0.3f);
        assertEquals(1, found.size(), "detections: " + found);
        assertEquals("bear", found.get(0).label());
        assertEquals(21, found.get(0).classId());
        assertEquals(0.94, found.get(0).score(), 0.02);
    }

    @Test
    void boxesMatchAnIndependentReferenceWithin2Pixels() throws Exception {
        for (String image : List.of("000000000139.jpg", "000000000285.jpg", "000000000632.jpg",
                "000000000785.jpg")) {
            List<Detection> ours = detect(image, 0.3f);
            List<Detection> reference = reference(image, 0.3f);
            assertEquals(reference.size(), ours.size(), image + ": ours " + ours + " reference " + reference);
            for (Detection r : reference) {
                Detection o = ours.stream().filter(d -> d.classId() == r.classId())
                        .max(Comparator.comparingDouble(d -> d.iou(r))).orElseThrow();
                String what = image + " " + r + " vs " + o;
                assertEquals(r.x1(), o.x1(), 2f, what);
                assertEquals(r.y1(), o.y1(), 2f, what);
                assertEquals(r.x2(), o.x2(), 2f, what);
                assertEquals(r.y2(), o.y2(), 2f, what);
                assertEquals(r.score(), o.score(), 0.01f, what);
            }
        }
    }

    /** The reference: OpenCV DNN inference and a straightforward decode + per-class greedy NMS. */
    private static List<Detection> reference(String image, float minScore) throws Exception {
        List<String> labels = Labels.read(TestAssets.labels());
        try (Mat img = imread(TestAssets.cocoImage(image).toString()); Mat resized = new Mat();
                Mat padded = new Mat(); Net net = readNetFromONNX(TestAssets.model().toString())) {
            double r = Math.min(416.0 / img.rows(), 416.0 / img.cols());
            int w = (int) (img.cols() * r);
            int h = (int) (img.rows() * r);
            resize(img, resized, new Size(w, h), 0, 0, INTER_LINEAR);
            copyMakeBorder(resized, padded, 0, 416 - h, 0, 416 - w, BORDER_CONSTANT, new Scalar(114, 114, 114, 0));
            Mat blob = blobFromImage(padded, 1.0, new Size(416, 416), new Scalar(0.0), false, false, CV_32F);
            net.setInput(blob);
            Mat out = net.forward();
            FloatIndexer idx = out.createIndexer();
            List<Detection> candidates = new ArrayList<>();
            int row = 0;
            for (int stride : new int[] {8, 16, 32}) {
                for (int gy = 0; gy < 416 / stride; gy++) {
                    for (int gx = 0; gx < 416 / stride; gx++, row++) {
                        float obj = idx.get(0, row, 4);
                        int best = 0;
                        for (int c = 1; c < 80; c++) {
                            if (idx.get(0, row, 5 + c) > idx.get(0, row, 5 + best)) {
                                best = c;
                            }
                        }
                        float score = obj * idx.get(0, row, 5 + best);
                        if (score < minScore) {
                            continue;
                        }
                        double cx = (idx.get(0, row, 0) + gx) * stride / r;
                        double cy = (idx.get(0, row, 1) + gy) * stride / r;
                        double bw = Math.exp(idx.get(0, row, 2)) * stride / r;
                        double bh = Math.exp(idx.get(0, row, 3)) * stride / r;
                        candidates.add(new Detection(labels.get(best), best, score,
                                (float) Math.max(0, cx - bw / 2), (float) Math.max(0, cy - bh / 2),
                                (float) Math.min(img.cols(), cx + bw / 2), (float) Math.min(img.rows(), cy + bh / 2)));
                    }
                }
            }
            idx.close();
            candidates.sort(Comparator.comparingDouble(Detection::score).reversed());
            List<Detection> kept = new ArrayList<>();
            for (Detection c : candidates) {
                if (kept.stream().noneMatch(k -> k.classId() == c.classId() && k.iou(c) > 0.45f)) {
                    kept.add(c);
                }
            }
            return kept;
        }
    }
}
