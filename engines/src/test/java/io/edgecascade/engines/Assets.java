package io.edgecascade.engines;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared test data ({@code EDGE_CASCADE_ASSETS}). */
public final class Assets {
    private Assets() {
    }

    public static Path dir() {
        String env = System.getenv("EDGE_CASCADE_ASSETS");
        Path dir = env == null || env.isBlank() || env.startsWith("${") ? Path.of("..", "..", "shared", "data") : Path.of(env);
        // fails, never skips: a run without the test data must not pass as green
        assertTrue(Files.isDirectory(dir), "test data not found: set EDGE_CASCADE_ASSETS to ../shared/data");
        return dir;
    }

    public static Path model() {
        return dir().resolve("models/yolox_nano.onnx");
    }
}
