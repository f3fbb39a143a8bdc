package io.edgecascade.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.record.RecordSettings;
import io.edgecascade.cascade.testing.TestMedia;
import io.edgecascade.cascade.ui.UiSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code ui:} and {@code record:} sections, and the checks of tuning sent from the page. */
class UiRecordConfigTest {

    private static AppConfig parse(String sections) throws ConfigException {
        String yaml = "model:\n  path: " + TestMedia.model() + "\n  labels: " + TestMedia.labels() + "\n"
                + sections + "cameras:\n  - id: lobby\n    source: " + TestMedia.video() + "\n";
        return new ConfigLoader(Map.of(), List.of("auto", "onnxruntime-cpu")).parse(yaml, "test.yml");
    }

    @Test
    void thePageAndRecordingAreOffByDefault() throws ConfigException {
        AppConfig c = parse("");
        assertFalse(c.ui().enabled());
        assertEquals(UiSettings.DEFAULT_FPS, c.ui().previewFps());
        assertEquals(RecordSettings.OFF, c.record());
    }

    @Test
    void everyKeyIsRead() throws ConfigException {
        AppConfig c = parse("ui:\n  listen: 0.0.0.0:8090\n  persist: true\n  preview_fps: 2\n  preview_width: 320\n"
                + "record:\n  events: true\n  pre_s: 1.5\n  post_s: 4\n  dir: clips\n  retain_days: 2\n"
                + "  max_bytes: 10000000\n  max_memory_mb: 32\n");
        assertEquals(new UiSettings(true, "0.0.0.0", 8090, true, 2, 320), c.ui());
        assertEquals(new RecordSettings(true, 1.5, 4, Path.of("clips"), 2, 10_000_000, 32L << 20), c.record());
    }

    @Test
    void badValuesAreReportedUnderTheirKeys() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("ui:\n  listen: nowhere\n"
                + "  preview_fps: 0\nrecord:\n  pre_s: -1\n  max_memory_mb: 0\n"));
        String all = String.join("\n", e.problems());
        assertEquals(4, e.problems().size(), all);
        assertTrue(all.contains("record.max_memory_mb: "), all);
        assertTrue(all.contains("ui.listen: 'nowhere' is not an address to listen on; write HOST:PORT such as"
                + " 127.0.0.1:8090"), all);
        assertTrue(all.contains("ui.preview_fps: "), all);
        assertTrue(all.contains("record.pre_s: "), all);
    }

    @Test
    void demoUiWithABadAddressIsABadCommandLine() {
        io.edgecascade.app.testing.MainRunner.Result r = io.edgecascade.app.testing.MainRunner.run("demo",
                "--no-cloud", "--assets", io.edgecascade.cascade.TestAssets.root().toString(), "--ui=nowhere");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--ui: 'nowhere' is not an address to listen on"), r.err());
    }

    @Test
    void tuningFromThePageIsCheckedLikeTheFile() {
        assertEquals(List.of(), ConfigLoader.tuningProblems(0, Map.of("threshold", 30, "min_area", 0.001,
                "confidence", "0.5")));
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("threshold", 0);
        bad.put("confidence", 1.5);
        bad.put("cooldown_frames", 3);
        List<String> problems = ConfigLoader.tuningProblems(2, bad);
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("cameras[2].cooldown_frames: cannot be tuned from the page"),
                problems.toString());
        assertTrue(problems.get(1).startsWith("cameras[2].motion.threshold: "), problems.toString());
        assertTrue(problems.get(2).startsWith("cameras[2].detector.confidence: "), problems.toString());
    }
}
