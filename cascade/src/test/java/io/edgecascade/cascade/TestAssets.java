package io.edgecascade.cascade;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds the shared test data (model, videos, images): {@code $EDGE_CASCADE_ASSETS}, else {@code ../shared/data}
 * beside the checkout. Tests fail, rather than skip, when it is missing: CI always has it.
 */
public final class TestAssets {

    private TestAssets() {
    }

    public static Path root() {
        String env = System.getenv("EDGE_CASCADE_ASSETS");
        List<Path> candidates = new ArrayList<>();
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            candidates.add(p.resolve("../shared/data").normalize());
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c.resolve("models/yolox_nano.onnx"))) {
                return c.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("test data not found: set EDGE_CASCADE_ASSETS to the shared data folder"
                + " (the one holding models/, video/, images/); looked in " + candidates);
    }

    public static Path model() {
        return root().resolve("models/yolox_nano.onnx");
    }

    public static Path labels() {
        return root().resolve("models/coco_classes.txt");
    }

    public static Path personVideo() {
        return root().resolve("video/one-by-one-person-detection.mp4");
    }

    public static Path cocoImage(String name) {
        return root().resolve("images/coco").resolve(name);
    }

    /** Runs ffmpeg (quiet, overwriting) and fails with its output when it fails. */
    public static void ffmpeg(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-y"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ffmpeg failed (is the ffmpeg package installed?): " + cmd + "\n" + out);
        }
    }

    /** A clip of the person video from {@code startSeconds}, {@code seconds} long, re-encoded with moov first. */
    public static Path personClip(Path dir, int startSeconds, int seconds) throws IOException, InterruptedException {
        Path out = dir.resolve("clip-" + startSeconds + "-" + seconds + ".mp4");
        ffmpeg("-ss", Integer.toString(startSeconds), "-t", Integer.toString(seconds), "-i",
                personVideo().toString(), "-an", "-c:v", "libx264", "-preset", "veryfast", "-g", "10",
                "-movflags", "+faststart", out.toString());
        return out;
    }
}
