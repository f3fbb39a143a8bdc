package io.edgecascade.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import io.edgecascade.cascade.TestAssets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code tracking.look_again_max_s}: how long a tracked object that moves as predicted may go without a look. */
class TrackedLooksConfigTest {

    private static final ConfigLoader LOADER = new ConfigLoader(Map.of("EDGE_CASCADE_ASSETS",
            TestAssets.root().toString()), List.of("auto", "onnxruntime-cpu"));

    private static String config(String defaults, String camera) {
        return """
                model:
                  path: ${EDGE_CASCADE_ASSETS}/models/yolox_nano.onnx
                  labels: ${EDGE_CASCADE_ASSETS}/models/coco_classes.txt
                defaults: { tracking: { %s } }
                cameras:
                  - id: lobby
                    source: ${EDGE_CASCADE_ASSETS}/video/one-by-one-person-detection.mp4
                    tracking: { %s }
                """.formatted(defaults, camera);
    }

    private static long lookAgainMs(String defaults, String camera) throws Exception {
        return LOADER.parse(config(defaults, camera), "test.yaml").cameras().get(0).tracking().lookAgainMaxMs();
    }

    @Test
    void onByDefaultAtOneAndAHalfSecondsAtMostHalfOfMaxAge() throws Exception {
        assertEquals(1500, lookAgainMs("", ""));
        assertEquals(0, lookAgainMs("look_again_max_s: 0", ""), "0 switches it off");
        assertEquals(800, lookAgainMs("look_again_max_s: 0", "look_again_max_s: 0.8"), "the camera's own wins");
        assertEquals(1000, lookAgainMs("", "max_age_s: 2"), "the default stays within half of a shorter max_age_s");
        assertEquals(4000, lookAgainMs("max_age_s: 10", "look_again_max_s: 4"));
    }

    @Test
    void moreThanHalfOfMaxAgeIsOneLineNamingTheKeyAndTheFix() {
        List<String> p = assertThrows(ConfigException.class,
                () -> LOADER.parse(config("", "look_again_max_s: 2"), "test.yaml")).problems();
        assertEquals(List.of("cameras[0].tracking.look_again_max_s: 2 s is more than half of tracking.max_age_s (3 s):"
                + " an object must be looked at again before its event ends; use at most 1.5, or 0 to look every"
                + " motion.min_interval_ms"), p);
        List<String> negative = assertThrows(ConfigException.class,
                () -> LOADER.parse(config("look_again_max_s: -1", ""), "test.yaml")).problems();
        assertEquals(1, negative.size(), negative.toString());
        assertEquals(true, negative.get(0).startsWith("defaults.tracking.look_again_max_s: -1 is out of range"),
                negative.toString());
    }
}
