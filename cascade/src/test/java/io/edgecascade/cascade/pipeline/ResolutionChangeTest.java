package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.detect.DetectionResult;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.motion.Polygon;
import io.edgecascade.cascade.motion.Zone;
import io.edgecascade.cascade.source.StreamOptions;
import io.edgecascade.cascade.testing.RtspServer;
import io.edgecascade.cascade.tracking.TrackingSettings;
import io.edgecascade.engines.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A camera that changes resolution mid-stream keeps running (issue 17): a real MPEG-TS stream made with ffmpeg, 4 s
 * at 768x432 then 4 s at 384x216 (the second half of the sample clip scaled down, as a camera reconfigured to a
 * smaller stream), read as a file and served live by GStreamer's RTSP server. The camera's pixel mask fits the first
 * size only: it is left out with a warning at the second, and the fractional zone scales.
 */
class ResolutionChangeTest {

    private static final DetectorSettings PERSON = new DetectorSettings(0.4f, 0.45f, Set.of("person"));
    /** A clock overlay along the top, in pixels of the 768x432 stream: outside a 384x216 frame. */
    private static final MotionSettings PIXEL_MASK = MotionSettings.DEFAULTS.withMask(
            List.of(Polygon.of(0, 0, 700, 0, 700, 40, 0, 40)));
    private static final List<Zone> ZONES = List.of(new Zone("right_half", Polygon.of(0.5, 0, 1, 0, 1, 1, 0.5, 1)));

    @TempDir
    static Path dir;
    static Path stream;

    @BeforeAll
    static void makeStream() throws Exception {
        Path a = dir.resolve("a.ts");
        Path b = dir.resolve("b.ts");
        String video = TestAssets.personVideo().toString();
        TestAssets.ffmpeg("-ss", "20", "-t", "4", "-i", video, "-an", "-c:v", "libx264", "-preset", "veryfast", "-g",
                "10", "-f", "mpegts", a.toString());
        TestAssets.ffmpeg("-ss", "24", "-t", "4", "-i", video, "-vf", "scale=384:216", "-an", "-c:v", "libx264",
                "-preset", "veryfast", "-g", "10", "-f", "mpegts", b.toString());
        Path list = Files.writeString(dir.resolve("list.txt"), "file '" + a + "'\nfile '" + b + "'\n");
        stream = dir.resolve("two-sizes.ts");
        TestAssets.ffmpeg("-f", "concat", "-safe", "0", "-i", list.toString(), "-c", "copy", stream.toString());
    }

    /** Finds nothing; counts the frames it saw by width. */
    static final class SizeRecorder extends SlowDetector {
        final Map<Integer, AtomicInteger> widths = new ConcurrentHashMap<>();

        SizeRecorder() {
            super(0);
        }

        @Override
        public DetectionResult detect(Mat bgr, float minScore, float nmsIou) throws EngineException {
            widths.computeIfAbsent(bgr.cols(), k -> new AtomicInteger()).incrementAndGet();
            return super.detect(bgr, minScore, nmsIou);
        }

        int frames(int width) {
            AtomicInteger n = widths.get(width);
            return n == null ? 0 : n.get();
        }
    }

    private static CameraSettings camera(String source, boolean live) {
        // the gate passes every 100 ms of motion; the detector sees frames of both sizes
        MotionSettings motion = new MotionSettings(true, 25, 0.0005, 5, 0, 180, 0.3, 0.6, PIXEL_MASK.mask());
        return new CameraSettings("cam", source, false, motion, PERSON, TrackingSettings.DEFAULTS, ZONES,
                live ? new StreamOptions("tcp", Map.of(), 10_000, 200, 1_000, false) : StreamOptions.DEFAULTS,
                SamplingSettings.OFF);
    }

    @Test
    @Timeout(120)
    void aFileWhoseResolutionChangesIsReadToTheEnd() throws Exception {
        SizeRecorder detector = new SizeRecorder();
        try (Cascade cascade = new Cascade(List.of(camera(stream.toString(), false)), SourceFactory.ffmpeg(),
                List.of(detector), List.of(), new CascadeOptions(8, 8, Duration.ZERO), List.of())) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(90_000));
            assertEquals(List.of(), cascade.failedCameras(), () -> cascade.summary().errors().toString());
            assertNull(cascade.failure());
            assertEquals(80, cascade.stats().counts("cam").decoded(), "both halves were read");
            assertTrue(detector.frames(768) > 0 && detector.frames(384) > 0, "frames of both sizes were detected: "
                    + detector.widths);
        }
    }

    @Test
    @Timeout(180)
    void aLiveCameraWhoseResolutionChangesKeepsStreaming() throws Exception {
        SizeRecorder detector = new SizeRecorder();
        try (RtspServer server = new RtspServer(dir, stream, List.of("cam"), null)) {
            server.start();
            try (Cascade cascade = new Cascade(List.of(camera(server.url("cam", null), true)), SourceFactory.ffmpeg(),
                    List.of(detector), List.of(), new CascadeOptions(8, 8, Duration.ZERO), List.of())) {
                cascade.start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (detector.frames(384) < 10 && System.nanoTime() < deadline
                        && cascade.failedCameras().isEmpty()) {
                    Thread.sleep(100);
                }
                assertEquals(List.of(), cascade.failedCameras(), () -> cascade.summary().errors().toString());
                assertTrue(detector.frames(768) > 0 && detector.frames(384) >= 10,
                        "the camera streams on at its new size: " + detector.widths);
                cascade.requestStop();
                assertTrue(cascade.awaitCompletion(30_000));
                assertNull(cascade.failure());
            }
        }
    }
}
