package io.edgecascade.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tuning saved into a config file: those values change, every other byte stays. */
class ConfigFileEditorTest {

    private static final String CONFIG = """
            # two cameras
            defaults:
              motion:
                threshold: 25                # per-pixel change
            cameras:
              - id: lobby
                source: ${EDGE_CASCADE_ASSETS}/video/one-by-one-person-detection.mp4
                motion:
                  threshold: 20              # lower: the lobby is dim
                  mask:
                    - [[0, 0], [0.15, 0], [0.15, 0.06], [0, 0.06]]

                zones:
                  door: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]]
              # the yard camera
              - source: rtsp://yard/stream
                id: "yard"
            """;

    @Test
    void replacesAValueInPlaceKeepingItsCommentColumn() throws Exception {
        String out = ConfigFileEditor.set(CONFIG, "lobby", ConfigFileEditor.tunables(35, null, null));
        assertEquals(CONFIG.replace("      threshold: 20              # lower", "      threshold: 35              # lower"),
                out);
    }

    @Test
    void addsMissingValuesToTheCameraOnly() throws Exception {
        String out = ConfigFileEditor.set(CONFIG, "lobby", ConfigFileEditor.tunables(null, 0.001, 0.55));
        String expected = CONFIG.replace("""
                        - [[0, 0], [0.15, 0], [0.15, 0.06], [0, 0.06]]
                """, """
                        - [[0, 0], [0.15, 0], [0.15, 0.06], [0, 0.06]]
                      min_area: 0.001
                """).replace("""
                      door: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]]
                """, """
                      door: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]]
                    detector:
                      confidence: 0.55
                """);
        assertEquals(expected, out);
        String yard = ConfigFileEditor.set(CONFIG, "yard", ConfigFileEditor.tunables(40, null, null));
        assertEquals(CONFIG + "    motion:\n      threshold: 40\n", yard);
    }

    @Test
    void theEditedFileLoadsWithTheNewValues(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String text = CONFIG.replace("${EDGE_CASCADE_ASSETS}", io.edgecascade.cascade.TestAssets.root().toString())
                .replace("# two cameras\n", "# two cameras\nmodel: {path: " + io.edgecascade.cascade.TestAssets.model()
                        + ", labels: " + io.edgecascade.cascade.TestAssets.labels() + "}\n");
        Path file = Files.writeString(dir.resolve("c.yaml"), ConfigFileEditor.set(text, "lobby",
                ConfigFileEditor.tunables(33, 0.002, 0.6)));
        AppConfig c = new ConfigLoader(Map.of(), java.util.List.of("auto")).load(file);
        var lobby = c.cameras().get(0);
        assertEquals(33, lobby.motion().threshold());
        assertEquals(0.002, lobby.motion().minArea());
        assertEquals(0.6f, lobby.detector().confidence());
        assertEquals(1, lobby.motion().mask().size());
        assertEquals(25, c.cameras().get(1).motion().threshold());
    }

    @Test
    void keepsWindowsLineEnds() throws Exception {
        String crlf = CONFIG.replace("\n", "\r\n");
        String out = ConfigFileEditor.set(crlf, "yard", ConfigFileEditor.tunables(40, null, null));
        assertEquals(crlf + "    motion:\r\n      threshold: 40\r\n", out);
    }

    @Test
    void flowStyleAndUnknownCamerasAreNotEdited() {
        var e = assertThrows(ConfigFileEditor.Unsupported.class, () -> ConfigFileEditor.set(
                "cameras: [{id: a, source: x.mp4}]\n", "a", ConfigFileEditor.tunables(30, null, null)));
        assertTrue(e.getMessage().contains("flow style"), e.getMessage());
        e = assertThrows(ConfigFileEditor.Unsupported.class, () -> ConfigFileEditor.set(
                "cameras:\n  - id: a\n    motion: {threshold: 20}\n", "a", ConfigFileEditor.tunables(30, null, null)));
        assertTrue(e.getMessage().contains("flow style"), e.getMessage());
        e = assertThrows(ConfigFileEditor.Unsupported.class, () -> ConfigFileEditor.set(CONFIG, "garage",
                ConfigFileEditor.tunables(30, null, null)));
        assertTrue(e.getMessage().contains("'garage' not found"), e.getMessage());
    }
}
