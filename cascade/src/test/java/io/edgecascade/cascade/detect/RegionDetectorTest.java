package io.edgecascade.cascade.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineInfo;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class RegionDetectorTest {

    /** Finds one person at a fixed place of whatever it is shown, and records the sizes it was shown. */
    private static final class Fixed implements ObjectDetector {
        final List<String> shown = new ArrayList<>();
        boolean fail;

        @Override
        public DetectionResult detect(Mat bgr, float minScore, float nmsIou) throws EngineException {
            if (fail) {
                throw new EngineException("engine died");
            }
            shown.add(bgr.cols() + "x" + bgr.rows());
            return new DetectionResult(List.of(new Detection("person", 0, 0.8f, 10, 20, 40, 120)), 1, 2, 3);
        }

        @Override
        public int inputSide() {
            return 416;
        }

        @Override
        public List<String> labels() {
            return List.of("person");
        }

        @Override
        public EngineInfo engine() {
            return new EngineInfo("fixed", "cpu", "fp32", "none");
        }

        @Override
        public void close() {
        }
    }

    @Test
    void boxesFoundInASquareAreMovedBackToFrameCoordinates() throws Exception {
        Fixed d = new Fixed();
        try (Mat frame = new Mat(1080, 1920, opencv_core.CV_8UC3)) {
            DetectionResult r = RegionDetector.detect(d, frame, RegionMode.AUTO,
                    List.of(new float[] {1700, 950, 1730, 1050}), 0.4f, 0.45f);
            assertEquals(List.of("416x416"), d.shown);
            Detection p = r.detections().get(0);
            assertEquals(1504 + 10, p.x1(), 1e-3);
            assertEquals(664 + 20, p.y1(), 1e-3);
            assertEquals(3, r.postprocessNanos(), 1_000_000);

            d.shown.clear();
            r = RegionDetector.detect(d, frame, RegionMode.OFF, List.of(new float[] {1700, 950, 1730, 1050}), 0.4f,
                    0.45f);
            assertEquals(List.of("1920x1080"), d.shown);
            assertEquals(10, r.detections().get(0).x1(), 1e-3);
        }
    }

    @Test
    void anEngineFailureOnARegionReachesTheCaller() {
        Fixed d = new Fixed();
        d.fail = true;
        try (Mat frame = new Mat(1080, 1920, opencv_core.CV_8UC3)) {
            assertThrows(EngineException.class, () -> RegionDetector.detect(d, frame, RegionMode.AUTO,
                    List.of(new float[] {100, 100, 130, 200}), 0.4f, 0.45f));
        }
    }
}
