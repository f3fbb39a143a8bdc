package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model.precision: int8} quantizes on first start, keeps the copy beside the model and reuses it. */
class RunPrecisionTest {

    @Test
    void int8QuantizesOnFirstStartAndReusesTheCopy(@TempDir Path dir) throws Exception {
        Path clip = TestAssets.personClip(dir, 20, 4);
        Path model = Files.copy(TestAssets.model(), dir.resolve("nano.onnx"));
        Path frames = Files.createDirectory(dir.resolve("frames"));
        List<Path> images;
        try (Stream<Path> s = Files.list(TestAssets.root().resolve("images/coco"))) {
            images = s.sorted().limit(5).toList();
        }
        for (Path i : images) {
            Files.createSymbolicLink(frames.resolve(i.getFileName()), i);
        }
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                model:
                  path: %s
                  labels: ${EDGE_CASCADE_ASSETS}/models/coco_classes.txt
                  precision: int8
                  calibration: %s
                  calibration_frames: 5
                engine: onnxruntime-cpu
                threads: 1
                pipeline: { detector_workers: 2 }
                events: { path: %s }
                metrics: { listen: 0 }
                cameras:
                  - { id: a, source: %s, motion: { enabled: false } }
                """.formatted(model, frames, dir.resolve("events.jsonl"), clip));
        Cli validate = Cli.run("config", "validate", config.toString());
        assertTrue(validate.out().contains("model.precision int8") && validate.out().contains("detector_workers 2"),
                validate.toString());

        Path summary = dir.resolve("summary.json");
        Cli r = Cli.run("run", "--config", config.toString(), "--summary", summary.toString());
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode s = new ObjectMapper().readTree(summary.toFile());
        String used = s.get("model").asText();
        assertTrue(used.startsWith("nano.int8-") && used.endsWith(".onnx"), used);
        Path copy = dir.resolve(used);
        assertTrue(Files.isRegularFile(copy), "kept beside the model");
        assertEquals(40, s.get("cameras").get("a").get("frames_detected").asLong(), s.toString());
        long made = Files.getLastModifiedTime(copy).toMillis();

        Cli again = Cli.run("run", "--config", config.toString(), "--summary", summary.toString());
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals(used, new ObjectMapper().readTree(summary.toFile()).get("model").asText());
        assertEquals(made, Files.getLastModifiedTime(copy).toMillis(), "reused, not quantized again");
    }
}
