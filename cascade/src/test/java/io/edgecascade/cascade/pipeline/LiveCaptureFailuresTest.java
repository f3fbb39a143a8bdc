package io.edgecascade.cascade.pipeline;

import static io.edgecascade.cascade.testing.Conditions.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.source.InterruptibleFfmpegSource;
import io.edgecascade.cascade.source.StreamOptions;
import io.edgecascade.cascade.testing.RtspServer;
import io.edgecascade.cascade.tracking.TrackingSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 3: a live camera's capture survives RuntimeExceptions on single frames (here from the packet
 * listener, as a clip recorder's bug would throw; OpenCV's errors take the same path) and reconnects after
 * {@code pipeline.error_budget} of them in a row, instead of ending the camera for good while the agent runs on. A
 * real RTSP server (GStreamer), real FFmpeg.
 */
class LiveCaptureFailuresTest {

    private static final DetectorSettings PERSON = new DetectorSettings(0.4f, 0.45f, Set.of("person"));

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void aLiveCameraSurvivesFailingFramesAndReconnectsAfterTooManyInARow() throws Exception {
        /** every: throw on every n-th packet (0: never, 1: every packet) */
        AtomicInteger every = new AtomicInteger(5);
        AtomicInteger packets = new AtomicInteger();
        InterruptibleFfmpegSource.PacketListener listener = (packet, stream) -> {
            int n = every.get();
            if (n > 0 && packets.incrementAndGet() % n == 0) {
                throw new IllegalStateException("test: the packet listener failed");
            }
        };
        RecordingObserver seen = new RecordingObserver();
        try (RtspServer server = new RtspServer(dir, TestAssets.personVideo(), List.of("cam"), null)) {
            server.start();
            CameraSettings cam = new CameraSettings("cam", server.url("cam", null), false,
                    MotionSettings.DEFAULTS.withEnabled(false), PERSON, TrackingSettings.DEFAULTS, List.of(),
                    new StreamOptions("tcp", Map.of(), 10_000, 200, 1_000, false), SamplingSettings.OFF);
            CascadeOptions options = new CascadeOptions(2, 4, Duration.ZERO).withErrorBudget(5);
            try (Cascade cascade = new Cascade(List.of(cam), SourceFactory.ffmpeg(id -> listener),
                    List.of(new SlowDetector(0)), List.of(), options, List.of(seen))) {
                cascade.start();
                waitFor("30 frames decoded past failing packets", () -> cascade.stats().counts("cam").decoded() >= 30
                        || !cascade.failedCameras().isEmpty());
                assertEquals(List.of(), cascade.failedCameras(), () -> cascade.summary().errors().toString());
                assertTrue(seen.errors("cam", "capture") >= 5, "each failing frame counted: " + seen.errors);
                assertEquals(0, seen.restarts("capture"), "isolated failures do not reconnect");

                every.set(1); // now every packet fails: after 5 in a row the camera reconnects
                waitFor("a reconnect", () -> seen.restarts("capture") >= 1);
                every.set(0);
                long reconnects = cascade.stats().counts("cam").reconnects();
                long decoded = cascade.stats().counts("cam").decoded();
                waitFor("frames again after the reconnect", () -> cascade.stats().counts("cam").decoded()
                        >= decoded + 20);
                assertTrue(cascade.stats().counts("cam").reconnects() >= Math.max(1, reconnects),
                        "the restart was a reconnect");
                assertEquals(List.of(), cascade.failedCameras());
                cascade.requestStop();
                assertTrue(cascade.awaitCompletion(30_000));
                assertNull(cascade.failure());
            }
        }
    }
}
