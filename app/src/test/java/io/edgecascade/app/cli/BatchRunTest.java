package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.testing.MainRunner;
import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pipeline.batch: 4} from the command line: the YOLOX model is rewritten to batch 4 once, into the engine
 * cache folder, and three cameras of the sample video get the events and detections the frame-by-frame run gives
 * (gate off: every frame is detected, so the figures do not hang on the capture threads' timing).
 */
class BatchRunTest {

    private static Path config(Path dir, Path clip, int batch) throws Exception {
        return Files.writeString(dir.resolve("batch" + batch + ".yaml"), String.join("\n",
                "model:",
                "  path: " + TestAssets.model(),
                "  labels: " + TestAssets.labels(),
                "engine: onnxruntime-cpu",
                "threads: 1",
                "engine_options:",
                "  cache_dir: " + dir.resolve("engine-cache"),
                "events:",
                "  path: " + dir.resolve("events-" + batch + ".jsonl"),
                "metrics:",
                "  listen: 0",
                "pipeline:",
                "  detector_workers: 1",
                "  batch: " + batch,
                "cameras:",
                "  - { id: a, source: " + clip + ", motion: { enabled: false } }",
                "  - { id: b, source: " + clip + ", motion: { enabled: false } }",
                "  - { id: c, source: " + clip + ", motion: { enabled: false } }",
                ""));
    }

    private static JsonNode run(Path dir, Path clip, int batch) throws Exception {
        Path summary = dir.resolve("summary-" + batch + ".json");
        MainRunner.Result r = MainRunner.run("run", "--config", config(dir, clip, batch).toString(), "--summary",
                summary.toString());
        assertEquals(0, r.exitCode(), r.toString());
        return new ObjectMapper().readTree(summary.toFile());
    }

    @Test
    void batchOfFourRunsTheRewrittenModelAndFindsWhatBatchOneFinds(@TempDir Path dir) throws Exception {
        Path clip = TestAssets.personClip(dir, 20, 8);
        JsonNode one = run(dir, clip, 1);
        JsonNode four = run(dir, clip, 4);
        try (Stream<Path> files = Files.list(dir.resolve("engine-cache/batched"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertEquals(1, names.size(), names.toString());
            assertTrue(names.get(0).startsWith("yolox_nano.batch4-"), names.toString());
        }
        long events = 0;
        for (String cam : List.of("a", "b", "c")) {
            JsonNode a = one.get("cameras").get(cam);
            JsonNode b = four.get("cameras").get(cam);
            for (String key : List.of("frames_decoded", "frames_detected", "frames_positive", "events",
                    "detector_errors")) {
                assertEquals(a.get(key).asLong(), b.get(key).asLong(), cam + " " + key + ": " + a + " vs " + b);
            }
            events += b.get("events").asLong();
        }
        assertTrue(events >= 3, "the walk-through is an event on every camera: " + four);
        List<String> starts1 = starts(dir.resolve("events-1.jsonl"));
        List<String> starts4 = starts(dir.resolve("events-4.jsonl"));
        assertEquals(starts1.size(), starts4.size());
        assertEquals(starts1.stream().sorted().toList(), starts4.stream().sorted().toList(),
                "each event starts on the same frame of the same camera");
    }

    /** "camera frame track" of each start line. */
    private static List<String> starts(Path events) throws Exception {
        ObjectMapper json = new ObjectMapper();
        return Files.readAllLines(events).stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(l, e);
            }
        }).filter(n -> "start".equals(n.path("type").asText())).map(n -> n.get("camera").asText() + " "
                + n.get("frame").asLong() + " " + n.get("track_id").asLong()).toList();
    }
}
