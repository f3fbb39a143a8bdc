package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.motion.MotionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames on their way to the sinks keep their pixels only when a sink reads them ({@link FrameSink#needsPixels}),
 * and those that do hold no more than {@code pipeline.sink_memory_mb} at once (issue 17: bounded memory; a 3072x1728
 * frame is 16 MB, and full frames queued for the sinks were most of the page's and the forwarder's cost).
 */
class SinkPixelsTest {

    private static final DetectorSettings PERSON = new DetectorSettings(0.4f, 0.45f, Set.of("person"));

    @TempDir
    static Path dir;
    static Path clip;

    @BeforeAll
    static void cut() throws Exception {
        clip = TestAssets.personClip(dir, 20, 8); // 80 frames of 768x432
    }

    private static CameraSettings camera() {
        return new CameraSettings("cam", clip.toString(), false, MotionSettings.DEFAULTS.withEnabled(false), PERSON);
    }

    /** Records, per frame, whether it came with pixels and the size it says it has. */
    static class Looking implements FrameSink {
        final Map<Long, Boolean> hadPixels = new ConcurrentHashMap<>();
        final Map<Long, String> size = new ConcurrentHashMap<>();
        private final java.util.function.LongPredicate reads;
        private final long millis;

        Looking(java.util.function.LongPredicate reads, long millis) {
            this.reads = reads;
            this.millis = millis;
        }

        @Override
        public boolean needsPixels(PositiveFrame p) {
            return p.positive() && reads.test(p.frame().sequence());
        }

        @Override
        public void accept(PositiveFrame p) {
            if (!p.positive()) {
                return; // the end of the stream: a pixel-less frame carrying the events' end lines
            }
            hadPixels.put(p.frame().sequence(), p.frame().hasPixels());
            size.put(p.frame().sequence(), p.frame().width() + "x" + p.frame().height());
            ScriptedDetector.sleep(millis);
        }
    }

    @Test
    @Timeout(120)
    void framesNoSinkReadsTravelWithoutPixelsAndKeepTheirSize() throws Exception {
        Looking metadataOnly = new Looking(seq -> false, 0);
        Looking everyFifth = new Looking(seq -> seq % 5 == 0, 0);
        ScriptedDetector d = new ScriptedDetector(n -> ScriptedDetector.PERSON);
        try (Cascade cascade = new Cascade(List.of(camera()), SourceFactory.ffmpeg(), List.of(d),
                List.of(metadataOnly, everyFifth), new CascadeOptions(2, 4, Duration.ZERO), List.of())) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(90_000));
            assertNull(cascade.failure());
        }
        assertEquals(80, metadataOnly.hadPixels.size(), "every positive frame reached the sinks");
        metadataOnly.hadPixels.forEach((seq, had) -> {
            assertEquals(seq % 5 == 0, had, "frame " + seq + ": pixels exactly when a sink reads them");
            assertEquals("768x432", metadataOnly.size.get(seq), "frame " + seq + " keeps its size without pixels");
        });
        assertEquals(metadataOnly.hadPixels, everyFifth.hadPixels, "both sinks got the same frames");
    }

    @Test
    @Timeout(180)
    void framesThatKeepTheirPixelsHoldNoMoreThanTheBudgetAndNoneIsLost() throws Exception {
        long frameBytes = 768L * 432 * 3;
        long budget = 2 * frameBytes; // two frames, though the output and sink queues have room for 12
        Looking slowReader = new Looking(seq -> true, 20);
        ScriptedDetector d = new ScriptedDetector(n -> ScriptedDetector.PERSON);
        try (Cascade cascade = new Cascade(List.of(camera()), SourceFactory.ffmpeg(), List.of(d), List.of(slowReader),
                new CascadeOptions(8, 8, Duration.ZERO).withSinkQueue(4).withSinkMemory(budget), List.of())) {
            cascade.start();
            assertTrue(cascade.awaitCompletion(150_000));
            assertNull(cascade.failure());
            assertTrue(cascade.sinkPixelPeak() > 0, "frames held pixels on their way");
            assertTrue(cascade.sinkPixelPeak() <= budget, "peak " + cascade.sinkPixelPeak() + " > budget " + budget);
            assertEquals(0, cascade.sinkPixelBytes(), "every frame's bytes were given back");
        }
        assertEquals(80, slowReader.hadPixels.size(), "a file at full speed waits for room: nothing is lost");
        assertTrue(slowReader.hadPixels.values().stream().allMatch(b -> b), "the reader got the pixels it asked for");
    }
}
