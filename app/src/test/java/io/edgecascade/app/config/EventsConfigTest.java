package io.edgecascade.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.detect.RegionMode;
import io.edgecascade.cascade.events.EventForwarding;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.tracking.TrackingSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The keys of tracking, events, zones, motion masks, detection regions and cloud.forward. */
class EventsConfigTest {

    private static final ConfigLoader LOADER = new ConfigLoader(
            Map.of("EDGE_CASCADE_ASSETS", TestAssets.root().toString()), List.of("auto"));

    private static String config(String top, String camera) {
        return """
                model:
                  path: ${EDGE_CASCADE_ASSETS}/models/yolox_nano.onnx
                  labels: ${EDGE_CASCADE_ASSETS}/models/coco_classes.txt
                %s
                cameras:
                  - id: lobby
                    source: ${EDGE_CASCADE_ASSETS}/video/one-by-one-person-detection.mp4
                %s
                """.formatted(top, camera.indent(4).stripTrailing());
    }

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> LOADER.parse(yaml, "t.yaml")).problems();
    }

    @Test
    void defaultsWhenNothingIsSaid() throws Exception {
        AppConfig c = LOADER.parse(config("", ""), "t.yaml");
        CameraSettings cam = c.cameras().get(0);
        assertEquals(TrackingSettings.DEFAULTS, cam.tracking());
        assertEquals(RegionMode.AUTO, cam.detector().regions());
        assertTrue(cam.zones().isEmpty());
        assertTrue(cam.motion().mask().isEmpty());
        assertEquals(EventForwarding.Mode.EVENTS, c.forward());
        assertEquals(BestFrames.Settings.DEFAULTS, c.bestFrames());
    }

    @Test
    void theBoundsOfTheBestFramesAreReadAndChecked() throws Exception {
        AppConfig c = LOADER.parse(config("events: { max_tracks: 12, best_frames_mb: 48 }", ""), "t.yaml");
        assertEquals(new BestFrames.Settings(12, 48L << 20), c.bestFrames());
        String all = String.join("\n", problems(config("events: { max_tracks: 0, best_frames_mb: lots }", "")));
        assertTrue(all.contains("events.max_tracks: "), all);
        assertTrue(all.contains("events.best_frames_mb: "), all);
    }

    @Test
    void readsEveryKeyAndMergesTrackingDefaults() throws Exception {
        AppConfig c = LOADER.parse(config("""
                events: { path: e.jsonl, update_interval_s: 2.5, frames: true }
                defaults:
                  tracking: { min_hits: 3, max_age_s: 4 }
                  detector: { regions: off }
                cloud: { url: embedded, forward: positives }
                """, """
                tracking: { max_age_s: 1.5, confirm_score: 0.8, min_iou: 0.2 }
                motion:
                  mask:
                    - [[0, 0], [0.5, 0], [0.5, 0.2], [0, 0.2]]
                    - [[700, 400], [768, 400], [768, 432]]
                zones:
                  door: [[0.6, 0.5], [1, 0.5], [1, 1], [0.6, 1]]
                """), "t.yaml");
        CameraSettings cam = c.cameras().get(0);
        assertEquals(new TrackingSettings(3, 0.8, 1500, 0.2, 2500), cam.tracking());
        assertEquals(RegionMode.OFF, cam.detector().regions());
        assertEquals(2, cam.motion().mask().size());
        assertTrue(cam.motion().mask().get(0).fractions());
        assertTrue(!cam.motion().mask().get(1).fractions());
        assertEquals("door", cam.zones().get(0).name());
        assertEquals(EventForwarding.Mode.POSITIVES, c.forward());
        assertTrue(c.frameLines());
    }

    @Test
    void badValuesNameTheKeyAndTheFix() {
        List<String> p = problems(config("cloud: { url: embedded, forward: all }\ndefaults: { detector: { regions: sometimes } }",
                """
                tracking: { min_hits: 0, max_age_s: -1 }
                motion:
                  mask:
                    - [[0, 0], [1, 1]]
                    - [[0, 0], [10, 0], [ten, 5]]
                zones:
                  door: [[0, 0], [1, 0]]
                  bad name: [[0, 0], [1, 0], [1, 1]]
                """));
        String all = String.join("\n", p);
        assertTrue(all.contains("cloud.forward: 'all' is not allowed; use one of events, positives"), all);
        assertTrue(all.contains("defaults.detector.regions: 'sometimes' is not allowed; use one of auto, always, off,"
                + " full_frame"), all);
        assertTrue(all.contains("cameras[0].tracking.min_hits"), all);
        assertTrue(all.contains("cameras[0].tracking.max_age_s"), all);
        assertTrue(all.contains("cameras[0].motion.mask[0]: a polygon needs at least 3 points, got 2"), all);
        assertTrue(all.contains("cameras[0].motion.mask[1][2]: must be a point [x, y] of two numbers"), all);
        assertTrue(all.contains("cameras[0].zones.door: a polygon needs at least 3 points"), all);
        assertTrue(all.contains("'bad name' is not a valid zone name"), all);
    }

    @Test
    void aSinglePolygonWithoutItsListIsExplained() {
        List<String> p = problems(config("", "motion: { mask: [[0, 0], [0.5, 0], [0.5, 0.5]] }"));
        assertEquals(List.of("cameras[0].motion.mask: must be a list of polygons; wrap the polygon in another list:"
                + " [[[x, y], ...]]"), p);
    }
}
