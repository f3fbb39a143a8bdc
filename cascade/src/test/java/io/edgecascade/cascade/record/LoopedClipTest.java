package io.edgecascade.cascade.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.DetectorSettings;
import io.edgecascade.cascade.pipeline.SamplingSettings;
import io.edgecascade.cascade.source.StreamOptions;
import io.edgecascade.cascade.testing.ExternalTool;
import io.edgecascade.cascade.tracking.TrackingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Item 13: a file camera with {@code loop: true} counts its stream time on across passes; its events' clips must be
 * cut from the right place of the file. The file here is 10 s at 10 fps whose frame n has the grey level 20 + 2n, so
 * a clip's frames tell which part of the file they are.
 *
 * <p>Failed before: a clip of the third pass was cut at a time past the file's end (its last second, or no clip).
 */
class LoopedClipTest {

    @TempDir
    static Path dir;
    static Path video;
    /** The grey level of each frame of the file, as decoded. */
    static List<Integer> fileGreys;

    @BeforeAll
    static void countingVideo() throws Exception {
        video = dir.resolve("counting.mp4");
        Process p = new ProcessBuilder(ExternalTool.require("ffmpeg").toString(), "-v", "error", "-y", "-f", "lavfi",
                "-i", "color=c=black:s=128x72:r=10:d=10", "-vf", "geq=lum='20+2*N':cb=128:cr=128,format=yuv420p",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-bf", "2", video.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "ffmpeg failed: " + out);
        fileGreys = greys(video);
        assertEquals(100, fileGreys.size());
    }

    private static EventClips clips(Path out) throws Exception {
        StreamOptions loop = new StreamOptions("tcp", Map.of(), 10_000, 500, 30_000, true);
        CameraSettings cam = new CameraSettings("loop", video.toString(), false, MotionSettings.DEFAULTS,
                new DetectorSettings(0.4f, 0.45f, Set.of("person")), TrackingSettings.DEFAULTS, List.of(), loop,
                SamplingSettings.OFF);
        return new EventClips(new RecordSettings(true, 0, 0, out, 0, 1L << 30), List.of(cam));
    }

    /** An event of the looped camera seen from {@code firstMs} to {@code lastMs} of its stream time ends. */
    private static Path end(EventClips clips, String id, long firstMs, long lastMs) {
        TrackEvent e = new TrackEvent(id, TrackEvent.Type.END, "loop", lastMs / 100, lastMs, Instant.now(), "person",
                1, 0.9f, new float[] {0, 0, 1, 1}, List.of(), firstMs, lastMs, lastMs / 100);
        try (VideoFrame marker = new VideoFrame("loop", lastMs / 100, lastMs, Instant.now(), new Mat())) {
            clips.accept(new PositiveFrame(marker, null, List.of(),
                    new FrameTracks(List.of(), List.of(e), List.of(), List.of())));
        }
        return clips.clip(id);
    }

    /** The clip of an event seen from {@code firstMs} to {@code lastMs}: which frame of the file each frame shows. */
    private static List<Integer> clipFrames(String event, long firstMs, long lastMs) throws Exception {
        Path clip = end(clips(dir.resolve(event)), event, firstMs, lastMs);
        assertTrue(Files.isRegularFile(clip), "no clip written");
        return frames(clip);
    }

    /** Which frame of the file each frame of a clip shows (the one of the nearest grey level). */
    private static List<Integer> frames(Path clip) throws Exception {
        List<Integer> out = new ArrayList<>();
        for (int grey : greys(clip)) {
            int best = 0;
            for (int i = 1; i < fileGreys.size(); i++) {
                if (Math.abs(fileGreys.get(i) - grey) < Math.abs(fileGreys.get(best) - grey)) {
                    best = i;
                }
            }
            out.add(best);
        }
        return out;
    }

    /** The mean grey level of each frame of a video. */
    private static List<Integer> greys(Path clip) throws Exception {
        List<Integer> out = new ArrayList<>();
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(clip.toFile());
                OpenCVFrameConverter.ToMat convert = new OpenCVFrameConverter.ToMat()) {
            g.start();
            Frame f;
            while ((f = g.grabImage()) != null) {
                Mat m = convert.convert(f);
                out.add((int) Math.round(opencv_core.mean(m).get(0)));
            }
        }
        return out;
    }

    @Test
    void oneLoopOfTheFileIsItsLastFramesTimePlusOneFrame() throws Exception {
        assertEquals(10_000, ClipWriter.loopPeriodMillis(video));
    }

    @Test
    void aClipOfTheThirdPassShowsTheRightPartOfTheFile() throws Exception {
        // seen 3.0 .. 5.0 s into the third pass: the clip runs from the key frame at 3 s to the one after 5 s
        List<Integer> f = clipFrames("third", 23_000, 25_000);
        assertEquals(30, f.get(0), "starts with file frame 30 (3.0 s): " + f);
        assertEquals(59, f.get(f.size() - 1), "ends before the key frame after 5.0 s: " + f);
        assertEquals(30, f.size(), f.toString());
    }

    @Test
    void aClipAcrossTheEndOfAPassGoesOnFromTheFilesStart() throws Exception {
        // seen from 8.5 s of the first pass to 1.0 s of the second
        List<Integer> f = clipFrames("across", 8_500, 11_000);
        assertEquals(80, f.get(0), "starts at the key frame at 8.0 s: " + f);
        int wrap = f.indexOf(0);
        assertEquals(20, wrap, "the file's last 20 frames, then its start: " + f);
        assertEquals(99, f.get(wrap - 1), "the last frame of the pass, then the first: " + f);
        assertEquals(19, f.get(f.size() - 1), "ends before the key frame after 1.0 s of the second pass: " + f);
        assertEquals(40, f.size(), f.toString());
    }
}
