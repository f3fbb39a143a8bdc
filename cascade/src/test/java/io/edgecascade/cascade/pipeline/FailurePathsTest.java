package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.detect.DetectionResult;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.engines.EngineInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's failure paths on a real 8 s clip with the gate off (every frame reaches the detector): a
 * detector that throws something other than an EngineException, one that always throws, a detector whose close
 * throws, a stop asked for before the threads run.
 */
class FailurePathsTest {

    private static final DetectorSettings PERSON = new DetectorSettings(0.4f, 0.45f, Set.of("person"));
    /** A small detector queue so that a dead worker blocks the file camera at once. */
    private static final CascadeOptions SMALL = new CascadeOptions(2, 4, Duration.ZERO);

    @TempDir
    static Path dir;
    static Path clip;

    @BeforeAll
    static void cut() throws Exception {
        clip = TestAssets.personClip(dir, 20, 8);
    }

    private static CameraSettings camera(String id) {
        return new CameraSettings(id, clip.toString(), false, MotionSettings.DEFAULTS.withEnabled(false), PERSON);
    }

    /** Throws a RuntimeException (an OpenCV error, a decoder bug) on the frames {@code fails} says. */
    private static final class ThrowingDetector implements ObjectDetector {
        final java.util.function.IntPredicate fails;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger thrown = new AtomicInteger();
        final boolean closeThrows;

        ThrowingDetector(java.util.function.IntPredicate fails, boolean closeThrows) {
            this.fails = fails;
            this.closeThrows = closeThrows;
        }

        @Override
        public DetectionResult detect(Mat bgr, float minScore, float nmsIou) {
            int n = calls.incrementAndGet();
            if (fails.test(n)) {
                thrown.incrementAndGet();
                throw new IllegalStateException("OpenCV(4.x) error: bad frame " + n);
            }
            return new DetectionResult(List.of(), 0, 0, 0);
        }

        @Override
        public List<String> labels() {
            return List.of("person");
        }

        @Override
        public EngineInfo engine() {
            return new EngineInfo("throwing-test", "cpu", "fp32", "none");
        }

        @Override
        public void close() {
            if (closeThrows) {
                throw new IllegalStateException("native free failed");
            }
        }
    }

    @Test
    @Timeout(60)
    void aWorkerSurvivesFailingFramesAndCountsThem() throws Exception {
        ThrowingDetector d = new ThrowingDetector(n -> n % 3 == 0, false);
        try (Cascade cascade = new Cascade(List.of(camera("cam")), SourceFactory.ffmpeg(), List.of(d), List.of(),
                SMALL, List.of())) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(45_000), "the run ends: no hang after a failing frame");
            CascadeStats.CameraCounts c = cascade.stats().counts("cam");
            assertTrue(c.decoded() > 60, "the whole clip was read: " + c);
            assertEquals(c.decoded(), d.calls.get(), "every frame reached the detector");
            assertEquals(d.thrown.get(), c.detectorErrors(), "each failing frame is counted");
            assertEquals(d.calls.get() - d.thrown.get(), c.detected());
            assertEquals(null, cascade.failure(), "isolated failures do not stop the run");
            var cams = (java.util.Map<?, ?>) cascade.summary().toJsonTree().get("cameras");
            assertEquals((long) d.thrown.get(), ((Number) ((java.util.Map<?, ?>) cams.get("cam")).get("detector_errors"))
                    .longValue(), "in the summary");
        }
    }

    @Test
    @Timeout(60)
    void aDetectorThatAlwaysFailsStopsTheRunWithOneClearError() throws Exception {
        ThrowingDetector d = new ThrowingDetector(n -> true, false);
        try (Cascade cascade = new Cascade(List.of(camera("cam")), SourceFactory.ffmpeg(), List.of(d), List.of(),
                SMALL, List.of())) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(45_000), "the run ends: no hang");
            assertNotNull(cascade.failure(), "repeated failures stop the run");
            String m = cascade.failure().getMessage();
            assertTrue(m.contains("bad frame") && m.contains("in a row"), m);
            assertTrue(cascade.stats().counts("cam").decoded() < 60, "stopped early");
        }
    }

    @Test
    @Timeout(60)
    void everyCloseRunsWhenADetectorCloseThrows() throws Exception {
        ThrowingDetector first = new ThrowingDetector(n -> false, true);
        ThrowingDetector second = new ThrowingDetector(n -> false, false);
        AtomicBoolean sinkClosed = new AtomicBoolean();
        FrameSink sink = new FrameSink() {
            @Override
            public void accept(PositiveFrame p) {
            }

            @Override
            public void close() {
                sinkClosed.set(true);
            }
        };
        Cascade cascade = new Cascade(List.of(camera("cam")), SourceFactory.ffmpeg(), List.of(first, second),
                List.of(sink), SMALL, List.of());
        cascade.start();
        cascade.requestStop();
        cascade.close(); // must not throw, and must still close the sink (the forwarder: drain, spool lock)
        assertTrue(sinkClosed.get(), "the sink was closed although a detector's close threw");
    }

    @Test
    @Timeout(60)
    void aStopAskedForBeforeStartStopsTheCamerasStartedAfterIt() throws Exception {
        ThrowingDetector d = new ThrowingDetector(n -> false, false);
        try (Cascade cascade = new Cascade(List.of(camera("a"), camera("b")), SourceFactory.ffmpeg(), List.of(d),
                List.of(), SMALL, List.of())) {
            cascade.requestStop(); // a signal that arrived while the run was still being set up
            cascade.start();
            assertTrue(cascade.awaitCompletion(45_000));
            long decoded = cascade.stats().counts("a").decoded() + cascade.stats().counts("b").decoded();
            assertTrue(decoded <= 2, "the cameras stopped at once instead of reading their files: " + decoded);
        }
    }
}
