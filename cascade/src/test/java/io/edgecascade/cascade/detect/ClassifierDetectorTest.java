package io.edgecascade.cascade.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.testing.TinyClassifier;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.InferenceEngine;
import io.edgecascade.engines.OnnxRuntimeCpuEngine;
import io.edgecascade.engines.TinyModels;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code type: classifier} on a tiny ONNX model the test writes (dark/light by mean brightness). */
class ClassifierDetectorTest {

    private static Mat filled(int w, int h, double grey) {
        return new Mat(h, w, opencv_core.CV_8UC3, new Scalar(grey, grey, grey, 0));
    }

    private static ObjectDetector classifier(Path dir) throws Exception {
        TinyClassifier.Written f = TinyClassifier.write(dir);
        return ModelTypes.detector("classifier", OnnxRuntimeCpuEngine.open(new EngineOptions(f.model(), 1)),
                Labels.read(f.labels()));
    }

    @Test
    void aBrightCropIsLightADarkOneDarkEachOneDetectionOverTheWholeImage(@TempDir Path dir) throws Exception {
        try (ObjectDetector c = classifier(dir); Mat white = filled(40, 90, 250); Mat black = filled(33, 17, 10)) {
            List<Detection> light = c.detect(white, 0.5f, 0.45f).detections();
            assertEquals(1, light.size());
            assertEquals("light", light.get(0).label());
            assertEquals(1, light.get(0).classId());
            assertTrue(light.get(0).score() > 0.99, "softmax of logits (-5.8, 5.8): " + light.get(0).score());
            assertEquals(List.of(0f, 0f, 40f, 90f), List.of(light.get(0).x1(), light.get(0).y1(), light.get(0).x2(),
                    light.get(0).y2()), "the answer covers the image it was given");
            List<Detection> dark = c.detect(black, 0.5f, 0.45f).detections();
            assertEquals("dark", dark.get(0).label());
            assertEquals(0, c.inputSide(), "a classifier never runs on regions");
        }
    }

    @Test
    void aCropOfAFrameIsClassifiedByItsOwnPixelsAndAnUnsureAnswerBelowMinScoreIsNone(@TempDir Path dir)
            throws Exception {
        try (ObjectDetector c = classifier(dir); Mat frame = filled(200, 100, 10)) {
            try (Rect r = new Rect(100, 0, 100, 100); Mat right = new Mat(frame, r); Scalar white = new Scalar(255,
                    255, 255, 0)) {
                right.put(white); // the right half white, the left half black
            }
            Crops.Result r = Crops.run(c, frame, List.of(new Detection("person", 0, 0.9f, 10, 10, 60, 90),
                    new Detection("person", 0, 0.9f, 120, 10, 190, 90), new Detection("person", 0, 0.9f, 5, 5, 7,
                            7)), 0.5f, 0.45f, java.util.Set.of());
            assertEquals("dark", r.answers().get(0).label());
            assertEquals("light", r.answers().get(1).label());
            assertEquals(null, r.answers().get(2), "a 2x2 box is too small to say anything about");
            assertEquals(2, r.runs());
            try (Mat grey = filled(20, 20, 127.5)) {
                assertEquals(List.of(), c.detect(grey, 0.9f, 0.45f).detections(),
                        "mid grey is about even: no answer scores 0.9");
            }
        }
    }

    @Test
    void probabilitiesAreASoftmaxOfLogitsAndADistributionIsTakenAsItIs() {
        float[] logits = {1, 2, 3};
        ClassifierDetector.probabilities(logits);
        double e1 = Math.exp(1);
        double e2 = Math.exp(2);
        double e3 = Math.exp(3);
        assertEquals(e3 / (e1 + e2 + e3), logits[2], 1e-6);
        float[] huge = {1000, 0};
        ClassifierDetector.probabilities(huge);
        assertEquals(1.0, huge[0], 1e-6, "shifted by the maximum: no overflow");
        float[] distribution = {0.2f, 0.8f};
        ClassifierDetector.probabilities(distribution);
        assertEquals(0.8f, distribution[1], 1e-6, "a model that ends in Softmax is not softmaxed twice");
    }

    @Test
    void aModelThatIsNotAClassifierOfItsLabelsIsRefusedWithTheFix(@TempDir Path dir) throws Exception {
        TinyClassifier.Written f = TinyClassifier.write(dir);
        try (InferenceEngine e = OnnxRuntimeCpuEngine.open(new EngineOptions(f.model(), 1))) {
            EngineException wrong = assertThrows(EngineException.class,
                    () -> ClassifierDetector.create(e, List.of("a", "b", "c"), ImageInput.DEFAULTS));
            assertTrue(wrong.getMessage().contains("labels file has 3 names"), wrong.getMessage());
        }
        Path identity = TinyModels.identity(dir.resolve("id.onnx"), 1, 4);
        try (InferenceEngine e = OnnxRuntimeCpuEngine.open(new EngineOptions(identity, 1))) {
            EngineException wrong = assertThrows(EngineException.class,
                    () -> ClassifierDetector.create(e, List.of("a", "b", "c", "d"), ImageInput.DEFAULTS));
            assertTrue(wrong.getMessage().contains("expected [1,3,H,W]"), wrong.getMessage());
        }
    }
}
