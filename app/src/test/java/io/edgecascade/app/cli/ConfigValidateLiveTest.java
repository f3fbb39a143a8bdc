package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.source.HardwareDecoders;
import io.edgecascade.cascade.source.HwAccel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code config validate} shows how each live camera is connected, decoded and sampled, a looped file, and the memory
 * bounds of the best frames and clips.
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
                    hwaccel: cuda
                    hwaccel_device: "1"
                  - id: demo
                    source: %s
                    loop: true
                    hwaccel: none
                  - id: door
                    source: rtsp://10.0.0.13/stream1
                """.formatted(TestAssets.model(), TestAssets.labels(), TestAssets.personVideo()));
        Cli r = Cli.run("config", "validate", config.toString());
        assertEquals(0, r.exitCode(), r.toString());
        String cuda = HardwareDecoders.status().get(0).available() ? ""
                : " (no NVIDIA driver (/dev/nvidiactl): it will fall back to software)";
        assertEquals(List.of("camera gate: live: rtsp_transport udp, stall_seconds 4.5, reconnect 250..8000 ms,"
                + " input_options {buffer_size=1048576}; decoder: cuda on 1" + cuda + ", software if it fails;"
                + " sampling: every_n 2, adaptive 1.0..4.0 fps",
                "camera demo: loop: replays the file forever; decoder: software (hwaccel: none)",
                "camera door: live: rtsp_transport tcp, stall_seconds 10.0, reconnect 500..30000 ms; decoder: "
                        + HardwareDecoders.choose(HwAccel.AUTO, null).summary(),
                "ok"), r.out().lines().toList(), r.toString());
        assertFalse(r.out().contains("s3cret"), r.toString());
    }

    @Test
    void showsHowOftenTrackedObjectsAreLookedAtWhenAwayFromTheDefault(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                model: { path: %s, labels: %s }
                cameras:
                  - id: hall
                    source: %s
                    hwaccel: none
                    tracking: { look_again_max_s: 0 }
                  - id: yard
                    source: %s
                    hwaccel: none
                    tracking: { max_age_s: 8, look_again_max_s: 4 }
                  - id: desk
                    source: %s
                    hwaccel: none
                """.formatted(TestAssets.model(), TestAssets.labels(), TestAssets.personVideo(),
                TestAssets.personVideo(), TestAssets.personVideo()));
        Cli r = Cli.run("config", "validate", config.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("camera hall: decoder: software (hwaccel: none); looks: every motion.min_interval_ms while"
                + " motion goes on, tracked or not (tracking.look_again_max_s 0)",
                "camera yard: decoder: software (hwaccel: none); looks: a tracked object that moves as predicted again"
                        + " within 4.0 s, motion it explains skipped (tracking.look_again_max_s)",
                "camera desk: decoder: software (hwaccel: none)",
                "ok"), r.out().lines().toList(), r.toString());
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
