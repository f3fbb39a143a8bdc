package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.testing.MainRunner;
import io.edgecascade.cascade.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edge-cascade bench} on a short clip: the table on stdout and the JSON file with the contract's keys. */
class BenchCommandTest {

    @TempDir
    static Path dir;
    static Path clip;

    @BeforeAll
    static void cut() throws Exception {
        clip = TestMedia.clip(dir, 5, 3); // 30 frames with a person walking in
    }

    @Test
    void batchModeMeasuresEachBatchSizeOnTheSourcesFrames() throws Exception {
        MainRunner.Result r = MainRunner.run("bench", "--batch", "1,2", "--source", clip.toString(), "--model",
                TestMedia.model().toString(), "--threads", "1", "--frames", "2");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().matches("(?s)batch 1: [0-9.]+ frames/s, [0-9.]+ ms CPU per frame\\R"
                + "batch 2: [0-9.]+ frames/s, [0-9.]+ ms CPU per frame\\R"), r.out());
        MainRunner.Result bad = MainRunner.run("bench", "--batch", "0", "--source", clip.toString(), "--model",
                TestMedia.model().toString());
        assertEquals(2, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("--batch takes sizes 1..256"), bad.err());
    }

    @Test
    void printsTheTableAndWritesTheJson() throws Exception {
        Path json = dir.resolve("out/bench.json");
        MainRunner.Result r = MainRunner.run("bench", "--source", clip.toString(), "--model",
                TestMedia.model().toString(), "--engine", "onnxruntime-cpu", "--threads", "1", "--warmup", "2",
                "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        String t = r.out();
        assertTrue(t.contains("30 frames measured per variant after 2 warm-up frames, motion gate on"), t);
        for (String row : List.of("decode", "motion", "preprocess", "inference", "postprocess", "pipeline",
                "standalone", "efficiency", "memory")) {
            assertTrue(t.contains("\n  " + row + " "), row + " missing:\n" + t);
        }
        assertTrue(t.contains("json: " + json.toAbsolutePath()), t);

        JsonNode root = new ObjectMapper().readTree(Files.readString(json));
        for (String key : List.of("frames", "wall_seconds", "fps", "detector_ratio", "efficiency", "rss_mb", "stages",
                "limits", "variants")) {
            assertTrue(root.hasNonNull(key), key + " missing in " + root);
        }
        assertEquals(30, root.get("frames").asInt());
        assertEquals(root.get("fps").asDouble(), 30 / root.get("wall_seconds").asDouble(),
                root.get("fps").asDouble() * 0.01);
        for (String stage : List.of("decode", "motion", "preprocess", "inference", "postprocess")) {
            for (String key : List.of("p50_ms", "p95_ms", "p99_ms", "mean_ms")) {
                assertTrue(root.get("stages").get(stage).get(key).asDouble() > 0, stage + "." + key);
            }
        }
        assertTrue(root.get("limits").get("decode_fps").asDouble() > 0);
        assertTrue(root.get("limits").get("detector_ms_p50").asDouble() > 0);
        assertEquals(1, root.get("variants").size());
        assertEquals("onnxruntime-cpu", root.get("variants").get(0).get("name").asText());
    }

    @Test
    void labelsDefaultToTheFileBesideTheModelAndCanBeOverridden() throws Exception {
        Path model = dir.resolve("alone/yolox_nano.onnx");
        Files.createDirectories(model.getParent());
        Files.copy(TestMedia.model(), model);
        MainRunner.Result r = MainRunner.run("bench", "--source", clip.toString(), "--model", model.toString(),
                "--frames", "5");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("error: labels file not found: " + model.resolveSibling("coco_classes.txt")),
                r.err());
        assertTrue(r.err().contains("pass --labels FILE"), r.err());

        r = MainRunner.run("bench", "--source", clip.toString(), "--model", model.toString(), "--labels",
                TestMedia.labels().toString(), "--frames", "5", "--warmup", "0", "--threads", "1");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("5 frames measured"), r.out());
    }

    @Test
    void badArgumentsAreOneLineAndExit2() {
        MainRunner.Result r = MainRunner.run("bench", "--source", clip.toString(), "--model",
                TestMedia.model().toString(), "--compare", "onnxruntime-cpu:thread=1");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("error: ")).count(), r.err());
        assertTrue(r.err().contains("unknown option 'thread'"), r.err());

        r = MainRunner.run("bench", "--source", dir.resolve("missing.mp4").toString(), "--model",
                TestMedia.model().toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("error: --source: video file not found"), r.err());

        r = MainRunner.run("bench", "--source", clip.toString(), "--model", TestMedia.model().toString(),
                "--engine", "tensorrt-nope");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("engine 'tensorrt-nope' is not known"), r.err());
    }
}
