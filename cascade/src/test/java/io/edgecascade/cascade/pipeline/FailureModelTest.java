package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.engines.EngineException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure model on a real 8 s clip (80 frames, the gate off so every frame reaches the detector): an engine
 * error on one frame and on 20 in a row, a detector that throws on every third frame, an engine that never recovers,
 * an {@link Error} inside a detector and inside a sink, a detector that hangs, a detector whose close throws, a stop
 * asked for before the threads run, a slow sink, sinks that close slowly, and the order of frames with two detector
 * workers (issue 17 items 1, 2, 7 and 10).
 */
class FailureModelTest {

    private static final DetectorSettings PERSON = new DetectorSettings(0.4f, 0.45f, Set.of("person"));
    /** Small queues, so that a dead stage would block its producers at once. */
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

    /** Camera "cam" reading {@code seconds} of the clip at its own rate, as a live camera would (it may drop). */
    private static CameraSettings liveCamera(int seconds) throws Exception {
        Path c = TestAssets.personClip(dir, 20, seconds);
        return new CameraSettings("cam", c.toString(), true, MotionSettings.DEFAULTS.withEnabled(false), PERSON);
    }

    /** A sink that records the frames it got and whether it was closed. */
    static class Recording implements FrameSink {
        final List<PositiveFrame> frames = Collections.synchronizedList(new ArrayList<>());
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void accept(PositiveFrame p) throws Exception {
            seen.add(p.frame().camera() + ":" + p.frame().sequence());
            frames.add(new PositiveFrame(p.frame(), p.motion(), p.detections(), p.tracks()));
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    /** A sink that throws a LinkageError (a native library gone bad) on frame 3. */
    static final class Exploding implements FrameSink {
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void accept(PositiveFrame p) {
            if (p.frame().sequence() == 3) {
                throw new UnsatisfiedLinkError("test: libcuda.so: cannot open shared object file");
            }
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    /** The run's fatal failure: of {@code stage}, its message holding each of {@code parts}. */
    private static StageFailure assertFatal(Cascade cascade, String stage, String... parts) {
        StageFailure f = cascade.failure();
        assertNotNull(f, "a fatal failure stopped the run");
        assertEquals(stage, f.stage(), f.getMessage());
        for (String part : parts) {
            assertTrue(f.getMessage().contains(part), "'" + part + "' in: " + f.getMessage());
        }
        return f;
    }

    @Test
    @Timeout(120)
    void oneEngineErrorDropsThatFrameAndTheRunGoesOn() throws Exception {
        ScriptedDetector d = new ScriptedDetector(ScriptedDetector.Script.failing(n -> n == 7,
                n -> new EngineException("CUDA error: an illegal memory access was encountered (test)"), List.of()));
        RecordingObserver seen = new RecordingObserver();
        try (Cascade cascade = new Cascade(List.of(camera("cam")), SourceFactory.ffmpeg(), List.of(d), List.of(),
                SMALL, List.of(seen))) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(90_000));
            assertNull(cascade.failure(), "one engine error must not stop the run");
            CascadeStats.CameraCounts c = cascade.stats().counts("cam");
            assertEquals(80, c.decoded(), "the whole clip was read");
            assertEquals(1, c.detectorErrors());
            assertEquals(79, c.detected());
            assertEquals(1, seen.errors("cam", "detector"), "counted per camera and stage");
            assertEquals(0, seen.restarts("detector"));
        }
    }

    @Test
    @Timeout(120)
    void twentyEngineErrorsInARowReopenTheEngineSessionAndTheRunGoesOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ScriptedDetector.Script script = ScriptedDetector.Script.failing(n -> n >= 5 && n < 25,
                n -> new EngineException("TensorRT: cudaErrorLaunchFailure (test)"), List.of());
        ScriptedDetector first = new ScriptedDetector(script, calls);
        List<ScriptedDetector> opened = Collections.synchronizedList(new ArrayList<>());
        DetectorFactory factory = () -> {
            ScriptedDetector d = new ScriptedDetector(script, calls);
            opened.add(d);
            return d;
        };
        RecordingObserver seen = new RecordingObserver();
        try (Cascade cascade = new Cascade(List.of(camera("cam")), SourceFactory.ffmpeg(), List.of(first), factory,
                List.of(), SMALL, List.of(seen))) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(90_000));
            assertNull(cascade.failure(), () -> "a reopened session recovers: " + cascade.failure());
            CascadeStats.CameraCounts c = cascade.stats().counts("cam");
            assertEquals(80, c.decoded());
            assertEquals(20, c.detectorErrors());
            assertEquals(60, c.detected());
            assertEquals(20, seen.errors("cam", "detector"));
            assertEquals(2, seen.restarts("detector"), "error_budget 10: a new session after each 10 in a row");
            assertEquals(2, opened.size());
            assertEquals(1, first.closed.get(), "the failing session was closed");
            assertEquals(1, opened.get(0).closed.get());
            assertEquals(1, opened.get(1).closed.get(), "the last session is closed at the end of the run");
        }
    }

    @Test
    @Timeout(120)
    void anEngineThatFailsThroughEveryNewSessionStopsTheRunWithOneLine() throws Exception {
        ScriptedDetector.Script always = n -> {
            throw new EngineException("ONNX Runtime: bad model (test)");
        };
        AtomicInteger opens = new AtomicInteger();
        Recording sink = new Recording();
        try (Cascade cascade = new Cascade(List.of(camera("cam")), SourceFactory.ffmpeg(),
                List.of(new ScriptedDetector(always)), () -> {
                    opens.incrementAndGet();
                    return new ScriptedDetector(always);
                }, List.of(sink), SMALL, List.of())) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(90_000), "the run ends");
            StageFailure f = assertFatal(cascade, "detector-0", "3 new engine sessions in a row", "probe");
            assertEquals(3, opens.get());
            assertTrue(cascade.stats().counts("cam").decoded() < 80, "stopped early");
            assertEquals(f.getMessage(), ((Map<?, ?>) cascade.summary().toJsonTree().get("fatal")).get("error"));
        }
        assertTrue(sink.closed.get());
    }

    @Test
    @Timeout(120)
    void anErrorInsideADetectorStopsTheRunCleanlyAndSaysWhatAndTheFix() throws Exception {
        ScriptedDetector d = new ScriptedDetector(ScriptedDetector.Script.failing(n -> n == 5,
                n -> new OutOfMemoryError("Java heap space (test)"), ScriptedDetector.PERSON));
        Recording sink = new Recording();
        try (Cascade cascade = new Cascade(List.of(camera("cam")), SourceFactory.ffmpeg(), List.of(d), List.of(sink),
                SMALL, List.of())) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(60_000), "no hang: the capture thread blocked in put is woken");
            StageFailure f = assertFatal(cascade, "detector-0", "JAVA_OPTS");
            assertTrue(f.getMessage().startsWith("detector-0: OutOfMemoryError: Java heap space (test); "),
                    f.getMessage());
            assertTrue(cascade.leftBehind().isEmpty(), "every stage ended: " + cascade.leftBehind());
            assertTrue(cascade.stats().counts("cam").decoded() < 80, "stopped early");
            assertEquals(4, sink.frames.stream().filter(PositiveFrame::positive).count(),
                    "the frames detected before the Error reached the sink");
        }
        assertTrue(sink.closed.get(), "the sinks are closed");
        assertEquals(1, d.closed.get(), "the dead worker's session is closed");
    }

    @Test
    @Timeout(120)
    void anErrorInsideASinkStopsTheRunCleanlyAndTheOtherSinksDrain() throws Exception {
        ScriptedDetector d = new ScriptedDetector(n -> ScriptedDetector.PERSON);
        Exploding bad = new Exploding();
        Recording good = new Recording();
        try (Cascade cascade = new Cascade(List.of(camera("cam")), SourceFactory.ffmpeg(), List.of(d),
                List.of(bad, good), SMALL, List.of())) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(60_000), "no hang: the output stage blocked on the dead sink is woken");
            assertFatal(cascade, "sink-exploding", "UnsatisfiedLinkError", "probe");
            assertTrue(cascade.stats().counts("cam").decoded() < 80, "stopped early");
            long positives = cascade.stats().counts("cam").positive();
            assertEquals(positives, good.frames.stream().filter(PositiveFrame::positive).count(),
                    "the other sink got every positive frame detected");
        }
        assertTrue(bad.closed.get() && good.closed.get(), "both sinks are closed");
    }

    @Test
    @Timeout(120)
    void aDetectorThatHangsIsNoticedAndTheRunStopsInsteadOfWaitingForever() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedDetector d = new ScriptedDetector(n -> {
            if (n == 3) {
                try {
                    release.await(); // an engine that never returns
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return List.of();
        });
        CascadeOptions options = SMALL.withStageTimeout(Duration.ofSeconds(2)).withShutdownTimeout(
                Duration.ofSeconds(2));
        Recording sink = new Recording();
        try (Cascade cascade = new Cascade(List.of(camera("cam")), SourceFactory.ffmpeg(), List.of(d), List.of(sink),
                options, List.of())) {
            cascade.start();
            long t0 = System.nanoTime();
            cascade.awaitCompletion(); // must return by itself
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds < 30, "awaitCompletion returned after " + seconds + " s");
            assertFatal(cascade, "detector-0", "stuck inside inference on camera cam frame 2");
            assertEquals(List.of("detector-0"), cascade.leftBehind().stream().map(s -> s.replaceAll(" .*", ""))
                    .toList(), "only the hung worker is left behind: " + cascade.leftBehind());
            assertTrue(sink.closed.get(), "the sink was closed although a worker hangs");
        } finally {
            release.countDown();
        }
    }

    /**
     * Issue 17 item 7: with two detector workers finishing frames out of order (every other inference is slow), every
     * frame, event line and best frame still reaches the sinks in capture order per camera.
     */
    @Test
    @Timeout(180)
    void withTwoWorkersFramesAndEventLinesReachTheSinksInCaptureOrderPerCamera() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ScriptedDetector.Script script = n -> {
            if (n % 2 == 0) {
                ScriptedDetector.sleep(15);
            }
            // the score rises and falls, so best frames come now and then, as on a real walk-through
            float score = 0.5f + 0.4f * (float) Math.abs(Math.sin(n / 7.0));
            return List.of(new io.edgecascade.cascade.api.Detection("person", 0, score, 10 + n % 5, 10, 60, 120));
        };
        Recording sink = new Recording();
        Map<String, List<Long>> bestOf = new ConcurrentHashMap<>();
        FrameSink best = p -> {
            if (!p.tracks().bestOf().isEmpty()) {
                bestOf.computeIfAbsent(p.frame().camera(), k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(p.frame().sequence());
            }
        };
        try (Cascade cascade = new Cascade(List.of(camera("a"), camera("b")), SourceFactory.ffmpeg(),
                List.of(new ScriptedDetector(script, calls), new ScriptedDetector(script, calls)), List.of(sink, best),
                new CascadeOptions(8, 8, Duration.ZERO), List.of())) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(120_000));
            assertNull(cascade.failure());
        }
        for (String cam : List.of("a", "b")) {
            List<PositiveFrame> frames = sink.frames.stream().filter(p -> p.frame().camera().equals(cam)).toList();
            assertTrue(frames.size() >= 80, cam + ": every frame is positive: " + frames.size());
            long lastSeq = -1;
            long lastLineFrame = -1;
            for (PositiveFrame p : frames) {
                if (p.positive()) {
                    assertTrue(p.frame().sequence() > lastSeq, cam + ": frame " + p.frame().sequence() + " after "
                            + lastSeq + ": " + sink.seen);
                    lastSeq = p.frame().sequence();
                }
                for (TrackEvent e : p.tracks().events()) {
                    assertTrue(e.frame() >= lastLineFrame, cam + ": event line of frame " + e.frame() + " after one of "
                            + lastLineFrame);
                    lastLineFrame = e.frame();
                }
            }
            List<Long> b = bestOf.get(cam);
            assertNotNull(b, cam + " had best frames");
            assertEquals(b.stream().sorted().toList(), b, cam + ": best frames in order");
        }
    }

    /**
     * A slow sink does not hold up another: with a live-paced camera, the fast sink gets every frame while the slow
     * one skips the frames that carry nothing for the events, counted.
     */
    @Test
    @Timeout(120)
    void aSlowSinkDoesNotHoldUpAnotherAndWhatItSkipsIsCounted() throws Exception {
        CameraSettings live = liveCamera(4);
        Recording fast = new Recording();
        FrameSink slow = new FrameSink() {
            @Override
            public void accept(PositiveFrame p) {
                ScriptedDetector.sleep(400);
            }

            @Override
            public String name() {
                return "slow";
            }
        };
        RecordingObserver seen = new RecordingObserver();
        try (Cascade cascade = new Cascade(List.of(live), SourceFactory.ffmpeg(),
                List.of(new ScriptedDetector(n -> ScriptedDetector.PERSON)), List.of(slow, fast),
                new CascadeOptions(2, 4, Duration.ZERO).withSinkQueue(2), List.of(seen))) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(60_000));
            long positives = cascade.stats().counts("cam").positive();
            assertTrue(positives > 20, "positives " + positives);
            assertEquals(positives, fast.frames.stream().filter(PositiveFrame::positive).count(),
                    "the fast sink got every positive frame");
            assertTrue(seen.droppedFor("cam", "slow") > 5, "the slow sink skipped frames, counted: "
                    + seen.sinkDropped);
            assertEquals(0, seen.droppedFor("cam", "recording"), "the fast sink skipped none");
        }
    }

    /** Issue 17 item 10: sinks close in parallel under the one deadline, and one that ignores it cannot hold the stop. */
    @Test
    @Timeout(120)
    void sinksCloseInParallelUnderTheOneDeadlineAndOneThatIgnoresItIsLeftBehind() throws Exception {
        CameraSettings live = liveCamera(10);
        List<String> closedBy = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch release = new CountDownLatch(1);
        List<FrameSink> sinks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "slow_close_" + i;
            sinks.add(new FrameSink() {
                @Override
                public void accept(PositiveFrame p) {
                }

                @Override
                public void close(Deadline d) throws InterruptedException {
                    Thread.sleep(Math.min(2500, d.remainingMillis())); // a drain that needs most of the deadline
                    closedBy.add(name);
                }

                @Override
                public String name() {
                    return name;
                }
            });
        }
        sinks.add(new FrameSink() {
            @Override
            public void accept(PositiveFrame p) {
            }

            @Override
            public void close(Deadline d) throws InterruptedException {
                release.await(); // ignores the deadline
            }

            @Override
            public String name() {
                return "stubborn";
            }
        });
        CascadeOptions options = new CascadeOptions(2, 4, Duration.ZERO).withShutdownTimeout(Duration.ofSeconds(4));
        try (Cascade cascade = new Cascade(List.of(live), SourceFactory.ffmpeg(),
                List.of(new ScriptedDetector(n -> ScriptedDetector.PERSON)), sinks, options, List.of())) {
            cascade.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (cascade.stats().counts("cam").decoded() < 10 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long t0 = System.nanoTime();
            cascade.requestStop();
            cascade.awaitCompletion();
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds < 4 + 1 + 1.5, "the whole stop took " + seconds + " s (deadline 4 s, grace 1 s)");
            assertEquals(3, closedBy.size(), "the three slow sinks closed side by side within the deadline: "
                    + closedBy);
            assertEquals(List.of("sink-stubborn"), cascade.leftBehind().stream().map(s -> s.replaceAll(" .*", ""))
                    .toList());
            assertNull(cascade.failure(), "a stop past its deadline is not a fatal failure");
        } finally {
            release.countDown();
        }
    }

    @Test
    @Timeout(60)
    void aWorkerSurvivesFailingFramesAndCountsThem() throws Exception {
        AtomicInteger thrown = new AtomicInteger();
        ScriptedDetector d = new ScriptedDetector(n -> {
            if (n % 3 == 0) {
                thrown.incrementAndGet();
                throw new IllegalStateException("OpenCV(4.x) error: bad frame " + n);
            }
            return List.of();
        });
        try (Cascade cascade = new Cascade(List.of(camera("cam")), SourceFactory.ffmpeg(), List.of(d), List.of(),
                SMALL, List.of())) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(45_000), "the run ends: no hang after a failing frame");
            CascadeStats.CameraCounts c = cascade.stats().counts("cam");
            assertEquals(80, c.decoded(), "the whole clip was read");
            assertEquals(c.decoded(), d.calls(), "every frame reached the detector");
            assertEquals(thrown.get(), c.detectorErrors(), "each failing frame is counted");
            assertEquals(d.calls() - thrown.get(), c.detected());
            assertNull(cascade.failure(), "isolated failures do not stop the run");
            var cams = (Map<?, ?>) cascade.summary().toJsonTree().get("cameras");
            assertEquals((long) thrown.get(), ((Number) ((Map<?, ?>) cams.get("cam")).get("detector_errors"))
                    .longValue(), "in the summary");
        }
    }

    @Test
    @Timeout(60)
    void aDetectorThatAlwaysFailsAndCannotBeReopenedStopsTheRunWithOneClearError() throws Exception {
        ScriptedDetector d = new ScriptedDetector(n -> {
            throw new IllegalStateException("OpenCV(4.x) error: bad frame " + n);
        });
        try (Cascade cascade = new Cascade(List.of(camera("cam")), SourceFactory.ffmpeg(), List.of(d), List.of(),
                SMALL, List.of())) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(45_000), "the run ends: no hang");
            assertFatal(cascade, "detector-0", "bad frame", "in a row", "could not be reopened");
            assertTrue(cascade.stats().counts("cam").decoded() < 60, "stopped early");
        }
    }

    @Test
    @Timeout(60)
    void everyCloseRunsWhenADetectorCloseThrows() throws Exception {
        ScriptedDetector first = new ScriptedDetector(n -> List.of());
        first.closeFailure = new IllegalStateException("native free failed");
        ScriptedDetector second = new ScriptedDetector(n -> List.of());
        Recording sink = new Recording();
        Cascade cascade = new Cascade(List.of(camera("cam")), SourceFactory.ffmpeg(), List.of(first, second),
                List.of(sink), SMALL, List.of());
        cascade.start();
        cascade.requestStop();
        cascade.close(); // must not throw, and must still close the sink (the forwarder: drain, spool lock)
        assertTrue(sink.closed.get(), "the sink was closed although a detector's close threw");
        assertEquals(1, second.closed.get());
    }

    @Test
    @Timeout(60)
    void aStopAskedForBeforeStartStopsTheCamerasStartedAfterIt() throws Exception {
        try (Cascade cascade = new Cascade(List.of(camera("a"), camera("b")), SourceFactory.ffmpeg(),
                List.of(new ScriptedDetector(n -> List.of())), List.of(), SMALL, List.of())) {
            cascade.requestStop(); // a signal that arrived while the run was still being set up
            cascade.start();
            assertTrue(cascade.awaitCompletion(45_000));
            long decoded = cascade.stats().counts("a").decoded() + cascade.stats().counts("b").decoded();
            assertTrue(decoded <= 2, "the cameras stopped at once instead of reading their files: " + decoded);
        }
    }

    /** A sink that throws on the frames {@code fails} picks, and whose reopen may fail. */
    static final class Flaky implements FrameSink {
        final java.util.function.LongPredicate fails;
        final boolean reopenFails;
        final AtomicInteger reopened = new AtomicInteger();
        final AtomicInteger accepted = new AtomicInteger();

        Flaky(java.util.function.LongPredicate fails, boolean reopenFails) {
            this.fails = fails;
            this.reopenFails = reopenFails;
        }

        @Override
        public void accept(PositiveFrame p) throws java.io.IOException {
            if (fails.test(p.frame().sequence())) {
                throw new java.io.IOException("No space left on device (test)");
            }
            if (p.positive()) {
                accepted.incrementAndGet();
            }
        }

        @Override
        public void reopen() throws java.io.IOException {
            reopened.incrementAndGet();
            if (reopenFails) {
                throw new java.io.IOException("cannot open events file: read-only file system (test)");
            }
        }
    }

    @Test
    @Timeout(120)
    void aSinkThatFailsErrorBudgetFramesInARowIsReopenedAndGoesOn() throws Exception {
        Flaky flaky = new Flaky(seq -> seq >= 5 && seq < 15, false); // 10 in a row: error_budget
        RecordingObserver seen = new RecordingObserver();
        try (Cascade cascade = new Cascade(List.of(camera("cam")), SourceFactory.ffmpeg(),
                List.of(new ScriptedDetector(n -> ScriptedDetector.PERSON)), List.of(flaky), SMALL, List.of(seen))) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(90_000));
            assertNull(cascade.failure(), () -> "a sink that recovers after a reopen: " + cascade.failure());
            assertEquals(10, seen.errors("cam", "sink_flaky"), "each failing frame counted for the sink");
            assertEquals(1, seen.restarts("sink_flaky"));
            assertEquals(1, flaky.reopened.get());
            assertEquals(70, flaky.accepted.get(), "the other 70 positive frames reached it");
        }
    }

    @Test
    @Timeout(120)
    void aSinkThatCannotBeReopenedStopsTheRunWithOneLine() throws Exception {
        Flaky broken = new Flaky(seq -> seq >= 5, true);
        Recording other = new Recording();
        try (Cascade cascade = new Cascade(List.of(camera("cam")), SourceFactory.ffmpeg(),
                List.of(new ScriptedDetector(n -> ScriptedDetector.PERSON)), List.of(broken, other), SMALL,
                List.of())) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(90_000));
            assertFatal(cascade, "sink-flaky", "10 frames in a row failed", "No space left on device",
                    "reopening it failed", "read-only file system");
            assertEquals(1, broken.reopened.get());
            assertTrue(cascade.stats().counts("cam").decoded() < 80, "stopped early");
        }
        assertTrue(other.closed.get());
    }
}
