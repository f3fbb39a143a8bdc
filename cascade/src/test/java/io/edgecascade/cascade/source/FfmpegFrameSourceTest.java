package io.edgecascade.cascade.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Video files through both FFmpeg sources: the cascade's one decode path ({@link InterruptibleFfmpegSource}, luma
 * first) and JavaCV's grabber (BGR every frame; annotating, calibration). Same frames, timestamps and failures.
 */
class FfmpegFrameSourceTest {

    enum Kind {
        LUMA_FIRST, GRABBER
    }

    private static FrameSource open(Kind kind, Path file) throws Exception {
        SourceUri uri = SourceUri.parse(file.toString());
        FrameSource s = kind == Kind.GRABBER ? new FfmpegFrameSource(uri)
                : new InterruptibleFfmpegSource(uri, StreamOptions.DEFAULTS, null);
        try {
            s.open();
        } catch (SourceException e) {
            s.close();
            throw e;
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void decodesEveryFrameOfTheSampleVideoAsBgrWithTimestamps(Kind kind) throws Exception {
        try (FrameSource s = open(kind, TestAssets.personVideo())) {
            assertEquals(10.0, s.frameRate(), 0.01);
            FrameSource.Frame first = s.grab();
            assertNotNull(first);
            assertEquals(0, first.sequence());
            assertEquals(0, first.ptsMillis());
            assertEquals(768, first.image().cols());
            assertEquals(432, first.image().rows());
            assertEquals(3, first.image().channels());
            if (kind == Kind.LUMA_FIRST) {
                assertEquals(768, first.luma().cols(), "the gate's luma plane");
                assertEquals(1, first.luma().channels());
            }
            long frames = 1;
            FrameSource.Frame f;
            FrameSource.Frame last = first;
            while ((f = s.grab()) != null) {
                frames++;
                last = f;
            }
            assertEquals(1394, frames);
            assertEquals(1393, last.sequence());
            assertEquals(139_300, last.ptsMillis(), 1);
            assertEquals(0, s.decodeErrors());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMissingFileNamesThePath(Kind kind, @TempDir Path dir) {
        SourceException e = assertThrows(SourceException.class, () -> open(kind, dir.resolve("nope.mp4")));
        assertTrue(e.getMessage().startsWith("video file not found: "), e.getMessage());
        assertTrue(e.getMessage().contains("nope.mp4"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aFileThatIsNoVideoFailsToOpenWithAHint(Kind kind, @TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.mp4");
        byte[] bytes = new byte[200_000];
        new Random(7).nextBytes(bytes);
        Files.write(junk, bytes);
        SourceException e = assertThrows(SourceException.class, () -> open(kind, junk));
        assertTrue(e.getMessage().contains("cannot open video"), e.getMessage());
        assertTrue(e.getMessage().contains("ffprobe"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTruncatedFileEndsWithAnErrorInsteadOfLookingComplete(Kind kind, @TempDir Path dir) throws Exception {
        // the sample video keeps its index (moov) first, so a cut copy opens and then ends early
        Path cut = dir.resolve("cut.mp4");
        byte[] all = Files.readAllBytes(TestAssets.personVideo());
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 3));
        try (FrameSource s = open(kind, cut)) {
            SourceException e = assertThrows(SourceException.class, () -> {
                while (s.grab() != null) {
                    // read to the end
                }
            });
            assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void framesLostToCorruptDataAreCountedNotSilentlySkipped(Kind kind, @TempDir Path dir) throws Exception {
        byte[] bytes = Files.readAllBytes(TestAssets.personVideo());
        Random random = new Random(3);
        for (int k = 0; k < 40; k++) { // damage 40 spots of the compressed stream, leaving the index intact
            int at = 200_000 + random.nextInt(bytes.length - 300_000);
            for (int i = 0; i < 2000; i++) {
                bytes[at + i] = (byte) random.nextInt(256);
            }
        }
        Path damaged = Files.write(dir.resolve("damaged.mp4"), bytes);
        try (FrameSource s = open(kind, damaged)) {
            long frames = 0;
            while (s.grab() != null) {
                frames++;
            }
            assertTrue(frames < 1394, "some frames cannot be decoded: " + frames);
            assertTrue(s.decodeErrors() > 0, "lost frames must be counted");
            assertEquals(1394, frames + s.decodeErrors(), 3, "decoded + lost = the stream's frames");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTruncatedFileWithItsIndexAtTheEndFailsToOpen(Kind kind, @TempDir Path dir) throws Exception {
        Path remux = dir.resolve("remux.mp4");
        TestAssets.ffmpeg("-i", TestAssets.personVideo().toString(), "-t", "20", "-c", "copy", remux.toString());
        Path cut = dir.resolve("cut.mp4");
        byte[] all = Files.readAllBytes(remux);
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        SourceException e = assertThrows(SourceException.class, () -> open(kind, cut));
        assertTrue(e.getMessage().contains("cannot open video"), e.getMessage());
    }
}
