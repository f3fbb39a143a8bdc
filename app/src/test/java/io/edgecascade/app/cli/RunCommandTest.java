package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {

    @Test
    void runsEveryCameraAndWritesTheSummaryAndEvents(@TempDir Path dir) throws Exception {
        Path clip = TestAssets.personClip(dir, 20, 8);
        Path events = dir.resolve("out/events.jsonl");
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                model:
                  path: ${EDGE_CASCADE_ASSETS}/models/yolox_nano.onnx
                  labels: ${EDGE_CASCADE_ASSETS}/models/coco_classes.txt
                events: { path: %s }
                metrics: { listen: 0 }
                defaults: { motion: { min_interval_ms: 0 } }
                cameras:
                  - { id: a, source: %s }
                  - { id: b, source: %s, motion: { enabled: false } }
                """.formatted(events, clip, clip));
        Path summary = dir.resolve("summary.json");
        Cli r = Cli.run("run", "--config", config.toString(), "--summary", summary.toString());
        assertEquals(0, r.exitCode(), r.toString());

        JsonNode s = new ObjectMapper().readTree(summary.toFile());
        assertTrue(s.get("wall_seconds").asDouble() > 0);
        assertEquals("yolox_nano.onnx", s.get("model").asText());
        assertEquals("onnxruntime-cpu", s.get("engine").asText());
        for (String cam : List.of("a", "b")) {
            JsonNode c = s.get("cameras").get(cam);
            for (String key : List.of("frames_decoded", "frames_motion", "frames_detected", "frames_positive",
                    "decode_errors", "detector_errors", "dropped")) {
                assertTrue(c.has(key), cam + " lacks " + key + ": " + c);
            }
            assertEquals(80, c.get("frames_decoded").asLong(), c.toString());
        }
        JsonNode b = s.get("cameras").get("b");
        assertEquals(80, b.get("frames_detected").asLong(), "gate disabled: every frame detected");
        assertTrue(s.get("cameras").get("a").get("frames_detected").asLong() < 80);
        long positives = s.get("cameras").get("a").get("frames_positive").asLong()
                + b.get("frames_positive").asLong();
        assertTrue(positives > 0, "a person walks through this clip");
        long started = s.get("cameras").get("a").get("events").asLong() + b.get("events").asLong();
        assertTrue(started > 0, s.toString());
        assertEquals(started, Files.readAllLines(events).stream().filter(l -> l.contains("\"type\":\"start\""))
                .count(), "one start line per event in the summary");
    }
}
