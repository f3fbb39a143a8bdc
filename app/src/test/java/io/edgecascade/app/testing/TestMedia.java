package io.edgecascade.app.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The shared test data (model, sample video) and short clips cut from the video with ffmpeg at test time. */
public final class TestMedia {

    private TestMedia() {
    }

    /** {@code $EDGE_CASCADE_ASSETS}, else {@code ../../shared/data} from the module (the checkout's neighbour). */
    public static Path assets() {
        String env = System.getenv("EDGE_CASCADE_ASSETS");
        if (env != null && !env.isBlank() && !env.startsWith("${") && Files.isDirectory(Path.of(env))) {
            return Path.of(env);
        }
        Path neighbour = Path.of("../../shared/data").toAbsolutePath().normalize();
        if (Files.isDirectory(neighbour)) {
            return neighbour;
        }
        return fail("test data not found: set EDGE_CASCADE_ASSETS to the shared data folder (models/, video/)");
    }

    public static Path model() {
        return assets().resolve("models/yolox_nano.onnx");
    }

    public static Path labels() {
        return assets().resolve("models/coco_classes.txt");
    }

    public static Path video() {
        return assets().resolve("video/one-by-one-person-detection.mp4");
    }

    /**
     * Cuts {@code seconds} of the sample video starting at {@code startSeconds} into {@code dir} (re-encoded, so
     * it starts on a key frame and its declared duration is exact; the index comes first, so a cut-off copy still
     * opens), optionally scaled to {@code width x height}.
     */
    public static Path clip(Path dir, double startSeconds, double seconds, int width, int height)
            throws IOException, InterruptedException {
        Path out = dir.resolve(String.format(Locale.ROOT, "clip-%.1f-%.1f-%dx%d.mp4", startSeconds, seconds, width,
                height));
        List<String> cmd = new java.util.ArrayList<>(List.of(ExternalTool.require("ffmpeg").toString(), "-v",
                "error", "-y", "-ss", fmt(startSeconds), "-i", video().toString(), "-t", fmt(seconds), "-an", "-c:v",
                "libx264", "-preset", "ultrafast", "-g", "10", "-movflags", "+faststart"));
        if (width > 0) {
            cmd.addAll(List.of("-vf", "scale=" + width + ":" + height));
        }
        cmd.add(out.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
            fail("ffmpeg did not finish cutting a clip in 120 s");
        }
        assertEquals(0, p.exitValue(), "ffmpeg failed: " + output);
        assertTrue(Files.size(out) > 0, "ffmpeg wrote an empty clip");
        return out;
    }

    public static Path clip(Path dir, double startSeconds, double seconds) throws IOException, InterruptedException {
        return clip(dir, startSeconds, seconds, 0, 0);
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }
}
