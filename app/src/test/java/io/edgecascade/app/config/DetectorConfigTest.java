package io.edgecascade.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code pipeline.detector_workers}, {@code model.precision} and {@code model.calibration}. */
class DetectorConfigTest {

    static final ConfigLoader LOADER = new ConfigLoader(
            Map.of("EDGE_CASCADE_ASSETS", TestAssets.root().toString()), List.of("auto", "onnxruntime-cpu"));

    /** A config with the sample model and video, and the given {@code model:} lines and {@code pipeline:} keys. */
    static String config(String model, String pipeline) {
        return """
                model:
                  path: ${EDGE_CASCADE_ASSETS}/models/yolox_nano.onnx
                  labels: ${EDGE_CASCADE_ASSETS}/models/coco_classes.txt
                """ + model + """
                pipeline:
                """ + pipeline + """
                cameras:
                  - id: lobby
                    source: ${EDGE_CASCADE_ASSETS}/video/one-by-one-person-detection.mp4
                """;
    }

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> LOADER.parse(yaml, "test.yaml")).problems();
    }

    @Test
    void defaultsAreAutoWorkersAndFp32() throws Exception {
        AppConfig c = LOADER.parse(config("", "  detector_queue: 8\n"), "test.yaml");
        assertEquals(AppConfig.AUTO_WORKERS, c.detectorWorkers());
        assertEquals("fp32", c.model().precision());
        assertEquals("camera", c.model().calibration());
        assertEquals(50, c.model().calibrationFrames());
    }

    @Test
    void readsAFixedWorkerCountAndInt8FromAFolder() throws Exception {
        String images = TestAssets.root().resolve("images/coco").toString();
        AppConfig c = LOADER.parse(config("  precision: int8\n  calibration: " + images
                + "\n  calibration_frames: 30\n", "  detector_workers: 2\n"), "test.yaml");
        assertEquals(2, c.detectorWorkers());
        assertEquals("int8", c.model().precision());
        assertEquals(images, c.model().calibration());
        assertEquals(30, c.model().calibrationFrames());
        assertEquals(AppConfig.AUTO_WORKERS, LOADER.parse(config("  precision: auto\n", "  detector_workers: auto\n"),
                "test.yaml").detectorWorkers());
    }

    @Test
    void badValuesNameTheKeyAndWhatIsAllowed() {
        List<String> p = problems(config("  precision: int4\n  calibration: /no/such/folder\n",
                "  detector_workers: many\n"));
        assertTrue(p.stream().anyMatch(s -> s.contains("pipeline.detector_workers") && s.contains("auto")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("model.precision") && s.contains("fp32, int8, auto")),
                p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("model.calibration") && s.contains("camera")), p.toString());
        assertTrue(problems(config("", "  detector_workers: 0\n")).stream()
                .anyMatch(s -> s.contains("detector_workers")));
    }
}
