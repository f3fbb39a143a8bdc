package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.testing.MainRunner;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.engines.EngineRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real command line on this machine (no GPU, no OpenVINO, no TensorRT): an engine that cannot load falls back to
 * onnxruntime-cpu with one WARN line and the run succeeds; {@code probe} describes the machine.
 */
class EngineSelectionCliTest {

    @TempDir
    static Path dir;
    private static Path assets;
    private static Path clip;

    @BeforeAll
    static void cutClip() throws Exception {
        assets = TestAssets.root();
        clip = dir.resolve("clip.mp4");
        // 8 s with people in it, stream-copied: quick to cut, quick to run
        TestAssets.ffmpeg("-ss", "40", "-t", "8", "-i", TestAssets.personVideo().toString(), "-an", "-c:v", "copy",
                clip.toString());
    }

    private static MainRunner.Result cli(String... args) {
        return MainRunner.run(args);
    }

    private static Path config(String engine) throws Exception {
        Path events = dir.resolve(engine + "-events.jsonl");
        return Files.writeString(dir.resolve(engine + ".yaml"), String.join("\n",
                "model:",
                "  path: " + assets.resolve("models/yolox_nano.onnx").toAbsolutePath(),
                "  labels: " + assets.resolve("models/coco_classes.txt").toAbsolutePath(),
                "engine: " + engine,
                "threads: 1",
                "engine_options:",
                "  cache_dir: " + dir.resolve("engine-cache"),
                "events:",
                "  path: " + events,
                // Off: the default port 9108 may be held by another agent on a shared box.
                "metrics:",
                "  listen: 0",
                "cameras:",
                "  - id: lobby",
                "    source: " + clip,
                ""));
    }

    @ParameterizedTest(name = "engine: {0} falls back to onnxruntime-cpu")
    @ValueSource(strings = {"openvino", "tensorrt"})
    void anEngineThatCannotLoadFallsBackToTheCpuWithOneWarning(String engine) throws Exception {
        assumeTrue(!EngineRegistry.standard().selector().availability().stream()
                .filter(a -> a.name().equals(engine)).findFirst().orElseThrow().available(),
                engine + " can run on this machine; the fallback cannot be shown here");
        Path summary = dir.resolve(engine + "-summary.json");
        MainRunner.Result run = cli("run", "--config", config(engine).toString(), "--summary", summary.toString());

        assertEquals(0, run.exitCode(), run.err());
        List<String> warnings = run.err().lines().filter(l -> l.contains(" WARN ")).toList();
        assertEquals(1, warnings.size(), "exactly one WARN line:\n" + run.err());
        String warn = warnings.get(0);
        assertTrue(warn.contains("engine " + engine + " failed to load: engine " + engine + " is not available: "),
                warn);
        assertTrue(warn.contains("-> falling back to onnxruntime-cpu (cpu, fp32, yolox_nano.onnx)"), warn);
        assertTrue(warn.contains(engine.equals("openvino") ? "install the OpenVINO" : "install TensorRT 10"), warn);

        JsonNode s = new ObjectMapper().readTree(summary.toFile());
        assertEquals("onnxruntime-cpu", s.get("engine").asText(), "the summary shows what ran");
        assertTrue(run.err().contains("on onnxruntime-cpu (cpu, fp32, yolox_nano.onnx)"), run.err());
        assertTrue(s.get("cameras").get("lobby").get("frames_decoded").asInt() > 50, s.toString());
    }

    @Test
    void probeJsonHasTheDocumentedShape() throws Exception {
        MainRunner.Result run = cli("probe", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertTrue(j.get("hardware").isObject(), run.out());
        assertNotNull(j.get("hardware").get("cpu"));
        assertTrue(j.get("hardware").get("libraries").has("libopenvino_c.so"));
        Set<String> names = new HashSet<>();
        for (JsonNode e : j.get("engines")) {
            names.add(e.get("name").asText());
            assertTrue(e.get("available").isBoolean(), e.toString());
            assertTrue(e.has("reason"), e.toString());
            assertEquals(e.get("available").asBoolean(), e.get("reason").isNull(), "a reason exactly when unavailable: " + e);
        }
        assertEquals(Set.of("onnxruntime-cpu", "onnxruntime-cuda", "onnxruntime-tensorrt", "openvino", "tensorrt"),
                names);
        String selected = j.get("selected").asText();
        assertTrue(names.contains(selected), selected);
        assertTrue(j.get("engines").get(0).get("available").asBoolean(), "the CPU engine runs everywhere");
    }

    @Test
    void probeTextNamesEveryEngineAndTheChoice() {
        MainRunner.Result run = cli("probe");
        assertEquals(0, run.exitCode(), run.err());
        for (String name : List.of("onnxruntime-cpu", "onnxruntime-cuda", "onnxruntime-tensorrt", "openvino",
                "tensorrt")) {
            assertTrue(run.out().contains("  " + name + " "), run.out());
        }
        assertTrue(run.out().contains("selected (engine: auto): "), run.out());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void theConfigAcceptsEveryRegistryNameAndRejectsOthers() throws Exception {
        for (String name : EngineRegistry.standard().names()) {
            MainRunner.Result ok = cli("config", "validate", config(name).toString());
            assertEquals(0, ok.exitCode(), name + ": " + ok.err());
        }
        MainRunner.Result bad = cli("config", "validate", config("tflite").toString());
        assertEquals(2, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("engine"), bad.err());
    }
}
