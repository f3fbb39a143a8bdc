package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.source.HardwareDecoders;
import io.edgecascade.cascade.source.HwAccel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config validate} shows a camera's masks and zones and checks pixel polygons against the video. */
class ConfigValidatePolygonsTest {

    private static Path config(Path dir, String mask, String zone) throws Exception {
        return Files.writeString(dir.resolve("c.yaml"), """
                model:
                  path: %s
                  labels: %s
                cameras:
                  - id: lobby
                    source: %s
                    motion:
                      mask:
                        - %s
                    zones:
                      door: %s
                """.formatted(TestAssets.model(), TestAssets.labels(), TestAssets.personVideo(), mask, zone));
    }

    @Test
    void showsMasksAndZones(@TempDir Path dir) throws Exception {
        Cli r = Cli.run("config", "validate", config(dir, "[[0, 0], [0.5, 0], [0.5, 0.2], [0, 0.2]]",
                "[[500, 200], [768, 200], [768, 432], [500, 432]]").toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("camera lobby: motion mask 1: 4 points in fractions of the frame, 10.0% of the frame; zone door:"
                + " 4 points in pixels; decoder: " + HardwareDecoders.choose(HwAccel.AUTO, null).summary(),
                r.out().lines().findFirst().orElse(""), r.toString());
        assertTrue(r.out().strip().endsWith("ok"), r.toString());
    }

    @Test
    void aPixelPolygonOutsideTheVideoIsAProblem(@TempDir Path dir) throws Exception {
        Cli r = Cli.run("config", "validate", config(dir, "[[0, 0], [800, 0], [800, 50]]",
                "[[0.6, 0.5], [1, 0.5], [1, 1]]").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.err().contains("cameras[lobby].motion.mask[0]: point (800, 0) is outside the 768x432 frame; use"
                + " pixels within the frame or fractions 0..1"), r.toString());
    }
}
