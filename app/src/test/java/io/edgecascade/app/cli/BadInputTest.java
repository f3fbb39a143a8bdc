package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.source.HardwareDecoders;
import io.edgecascade.cascade.source.HwAccel;
import io.edgecascade.engines.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input of the run command ends with one line naming the problem and the fix, a non-zero exit and
 * no stack trace.
 */
class BadInputTest {

    @TempDir
    Path dir;

    /** A config with {@code extra} keys; the metrics endpoint is off (port 9108 may be taken on a shared box). */
    private Path config(String model, String source, String extra) throws Exception {
        String yaml = """
                model:
                  path: %s
                  labels: %s
                events:
                  path: %s
                metrics:
                  listen: 0
                %s
                cameras:
                  - id: lobby
                    source: %s
                """.formatted(model, TestAssets.labels(), dir.resolve("events.jsonl"), extra, source);
        return Files.writeString(dir.resolve("config.yaml"), yaml);
    }

    private Path goodClip() throws Exception {
        return TestAssets.personClip(dir, 20, 3);
    }

    private static void assertOneLineError(Cli r, int exit, String expected) {
        assertEquals(exit, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), "exactly one error line: " + r);
        assertTrue(r.errLines().get(0).startsWith("error: "), r.toString());
        assertTrue(r.errLines().get(0).contains(expected), "expected '" + expected + "' in: " + r);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
    }

    @Test
    void missingModel() throws Exception {
        Cli r = Cli.run("run", "--config", config(dir.resolve("none.onnx").toString(), goodClip().toString(), "")
                .toString());
        assertOneLineError(r, 2, "model.path: file not found: " + dir.resolve("none.onnx"));
        assertTrue(r.err().contains("models pull"), r.toString());
    }

    @Test
    void unreadableModel() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "not a model at all");
        Cli r = Cli.run("run", "--config", config(junk.toString(), goodClip().toString(), "").toString());
        assertOneLineError(r, 1, "cannot load model " + junk);
    }

    @Test
    void modelWhoseInputIsNotAnImage() throws Exception {
        Path model = TinyModels.identity(dir.resolve("vector.onnx"), 1, 16);
        Cli r = Cli.run("run", "--config", config(model.toString(), goodClip().toString(), "").toString());
        assertOneLineError(r, 1, "expected [N,3,H,W]");
    }

    @Test
    void missingVideo() throws Exception {
        Cli r = Cli.run("run", "--config", config(TestAssets.model().toString(), dir.resolve("gone.mp4").toString(),
                "").toString());
        assertOneLineError(r, 2, "cameras[0].source: file not found: " + dir.resolve("gone.mp4"));
    }

    @Test
    void corruptVideo() throws Exception {
        Path junk = dir.resolve("junk.mp4");
        Files.write(junk, new byte[100_000]);
        Cli r = Cli.run("run", "--config", config(TestAssets.model().toString(), junk.toString(), "").toString());
        assertOneLineError(r, 1, "camera lobby stopped with an error: cannot open video " + junk);
    }

    @Test
    void unknownConfigKey() throws Exception {
        Cli r = Cli.run("run", "--config", config(TestAssets.model().toString(), goodClip().toString(),
                "treads: 4").toString());
        assertOneLineError(r, 2, "treads: unknown key (did you mean 'threads'?)");
    }

    @Test
    void thresholdOutOfRange() throws Exception {
        Cli r = Cli.run("run", "--config", config(TestAssets.model().toString(), goodClip().toString(),
                "defaults:\n  motion:\n    threshold: 0").toString());
        assertOneLineError(r, 2, "defaults.motion.threshold: 0 is out of range; allowed 1..255");
    }

    @Test
    void unknownSourceScheme() throws Exception {
        Cli r = Cli.run("run", "--config", config(TestAssets.model().toString(), "webcam://front", "").toString());
        assertOneLineError(r, 2, "unsupported source scheme 'webcam:'");
    }

    @Test
    void verboseAddsTheStackTrace() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "not a model at all");
        Cli r = Cli.run("run", "--verbose", "--config", config(junk.toString(), goodClip().toString(), "")
                .toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("\tat "), r.toString());
    }

    @Test
    void validatePrintsEveryProblemOrOk() throws Exception {
        Path good = config(TestAssets.model().toString(), goodClip().toString(), "");
        Cli ok = Cli.run("config", "validate", good.toString());
        assertEquals(0, ok.exitCode(), ok.toString());
        assertEquals(List.of("camera lobby: decoder: " + HardwareDecoders.choose(HwAccel.AUTO, null).summary(), "ok"),
                ok.out().lines().toList(), ok.toString());
        Path bad = config(TestAssets.model().toString(), "ftp://x", "threads: 0\nengine: warp");
        Cli r = Cli.run("config", "validate", bad.toString());
        assertEquals(2, r.exitCode());
        assertEquals(3, r.errLines().size(), r.toString());
        assertTrue(r.err().contains("threads: 0 is out of range; allowed 1..256"), r.toString());
        assertTrue(r.err().contains("engine: 'warp' is not allowed"), r.toString());
    }

    @Test
    void unknownCommandsAndOptionsAreUsageErrors() {
        Cli r = Cli.run("fly");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Unmatched argument"), r.toString());
        Cli v = Cli.run("--version");
        assertEquals(0, v.exitCode());
        assertTrue(v.out().startsWith("edge-cascade "), v.toString());
    }
}
