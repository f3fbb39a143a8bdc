package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.motion.MotionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EXPERIMENT (issue 17 item 7), a benchmark, not a test: per-camera order kept by a reorder buffer (CameraOrder)
 * against one frame per camera in flight (-Dedgecascade.order=affinity), with two detector workers whose engine
 * takes 40 ms a frame off the CPU (as an accelerator does), so the figures show the pipeline's structure rather
 * than the load on the machine. Runs only with -Dbench.order=true:
 * mvn -B -pl cascade -am -Dtest=OrderBench -Dbench.order=true -Dsurefire.failIfNoSpecifiedTests=false test
 */
class OrderBench {

    @TempDir
    Path dir;

    private double run(Path clip, int cameras, String mode) throws Exception {
        if (mode.equals("affinity")) {
            System.setProperty("edgecascade.order", "affinity");
        } else {
            System.clearProperty("edgecascade.order");
        }
        List<CameraSettings> cams = new ArrayList<>();
        for (int i = 0; i < cameras; i++) {
            cams.add(new CameraSettings("cam" + i, clip.toString(), false, MotionSettings.DEFAULTS.withEnabled(false),
                    new DetectorSettings(0.4f, 0.45f, Set.of("person"))));
        }
        ScriptedDetector.Script script = n -> {
            ScriptedDetector.sleep(40);
            return ScriptedDetector.PERSON;
        };
        long t0 = System.nanoTime();
        try (Cascade c = new Cascade(cams, SourceFactory.ffmpeg(), List.of(new ScriptedDetector(script),
                new ScriptedDetector(script)), List.of(p -> { }), new CascadeOptions(8, 8, Duration.ZERO),
                List.of())) {
            c.start();
            assertTrue(c.awaitCompletion(600_000));
        } finally {
            System.clearProperty("edgecascade.order");
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    @Test
    void reorderBufferAgainstOneFramePerCameraInFlight() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("bench.order"), "a benchmark: -Dbench.order=true");
        Path clip = TestAssets.personClip(dir, 20, 10); // 100 frames
        for (int cameras : new int[] {1, 2, 4}) {
            List<String> rows = new ArrayList<>();
            for (int round = 1; round <= 3; round++) {
                for (String mode : List.of("reorder", "affinity")) {
                    double s = run(clip, cameras, mode);
                    rows.add(String.format(Locale.ROOT, "%s %.2f s (%.1f frames/s)", mode, s, 100.0 * cameras / s));
                }
            }
            System.out.println("ORDER-BENCH cameras=" + cameras + ": " + String.join(", ", rows));
        }
    }
}
