package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code config validate} shows how each live camera is connected and sampled, a looped file, and the memory bounds of
 * the best frames and clips.
 */
class ConfigValidateLiveTest {

    @Test
    void showsConnectionAndSamplingSettings(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                model: { path: %s, labels: %s }
                cameras:
                  - id: gate
                    source: rtsp://viewer:s3cret@10.0.0.12/stream1
                    rtsp_transport: udp
                    stall_seconds: 4.5
                    input_options: { buffer_size: "1048576" }
                    reconnect: { initial_ms: 250, max_ms: 8000 }
                    sampling: { every_n: 2, adaptive: { min_fps: 1, max_fps: 4 } }
                  - id: demo
                    source: %s
                    loop: true
                """.formatted(TestAssets.model(), TestAssets.labels(), TestAssets.personVideo()));
        Cli r = Cli.run("config", "validate", config.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("camera gate: live: rtsp_transport udp, stall_seconds 4.5, reconnect 250..8000 ms,"
                + " input_options {buffer_size=1048576}; sampling: every_n 2, adaptive 1.0..4.0 fps",
                "camera demo: loop: replays the file forever", "ok"), r.out().lines().toList(), r.toString());
        assertFalse(r.out().contains("s3cret"), r.toString());
    }

    @Test
    void showsTheMemoryBoundsOfBestFramesAndClips(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                model: { path: %s, labels: %s }
                events: { max_tracks: 20, best_frames_mb: 32 }
                ui: { listen: 127.0.0.1:8090 }
                record: { events: true, dir: %s, max_memory_mb: 96 }
                cameras:
                  - id: demo
                    source: %s
                """.formatted(TestAssets.model(), TestAssets.labels(), dir.resolve("clips"),
                TestAssets.personVideo()));
        Cli r = Cli.run("config", "validate", config.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.contains("best frames: JPEG, up to 20 live tracks per camera (events.max_tracks), 32 MB for"
                + " all cameras (events.best_frames_mb)"), r.toString());
        assertTrue(lines.contains("record: event clips in " + dir.resolve("clips") + "; live cameras' clips in memory"
                + " within 96 MB (record.max_memory_mb)"), r.toString());
    }
}
