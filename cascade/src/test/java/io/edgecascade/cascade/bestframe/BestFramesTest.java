package io.edgecascade.cascade.bestframe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.VideoFrame;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * The best frames of every camera: encoded once per frame however many tracks it is the best of, within the bound
 * on tracks per camera and the byte budget, stationary and old tracks giving up their frames first.
 */
class BestFramesTest {

    /** A 1080p frame of blotches (noise scaled up): each seed a different picture, its JPEG a scene's size. */
    private static Mat noise(long seed) {
        try (Mat small = new Mat(108, 192, opencv_core.CV_8UC3)) {
            byte[] pixels = new byte[192 * 108 * 3];
            new java.util.Random(seed).nextBytes(pixels);
            small.data().put(pixels);
            Mat m = new Mat();
            org.bytedeco.opencv.global.opencv_imgproc.resize(small, m, new org.bytedeco.opencv.opencv_core.Size(1920,
                    1080), 0, 0, org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC);
            return m;
        }
    }

    private static Detection person(float x) {
        return new Detection("person", 0, 0.8f, x, 100, x + 100, 400);
    }

    private static TrackEvent end(String camera, long trackId, long frame) {
        return new TrackEvent(camera + "-" + trackId, TrackEvent.Type.END, camera, frame, frame * 100, Instant.now(),
                "person", trackId, 0.8f, new float[] {0, 0, 1, 1}, List.of(), 0, frame * 100, 0);
    }

    /**
     * One frame of {@code camera} with a person per track id (track i at x = 200 i + shift), the ones in {@code best}
     * having it as their best frame, {@code ends} ending on it.
     */
    private static void frame(BestFrames frames, String camera, long seq, Mat pixels, List<Long> tracks,
            List<Long> best, List<TrackEvent> ends, float shift) {
        List<Detection> dets = new ArrayList<>();
        for (Long t : tracks) {
            dets.add(person(200 * t + shift));
        }
        FrameTracks ft = new FrameTracks(tracks, ends, best, List.of());
        try (VideoFrame f = new VideoFrame(camera, seq, seq * 100, Instant.ofEpochMilli(seq), pixels.clone())) {
            PositiveFrame p = new PositiveFrame(f, null, dets, ft);
            frames.update(p);
            frames.update(p); // a second reader of the same frame: nothing more happens
        }
    }

    @Test
    void aFrameBestForSeveralTracksIsEncodedAndCountedOnce() {
        BestFrames frames = new BestFrames(BestFrames.Settings.DEFAULTS, 90);
        try (Mat m = noise(1)) {
            frame(frames, "cam", 1, m, List.of(1L, 2L, 3L), List.of(1L, 2L, 3L), List.of(), 0);
        }
        BestFrame one = frames.frame("cam", 1);
        assertNotNull(one);
        assertSame(one, frames.frame("cam", 2), "one copy shared");
        assertSame(one, frames.frame("cam", 3));
        assertEquals(one.bytes(), frames.bytes());
        assertTrue(one.bytes() < 1920 * 1080 * 3 / 2, "JPEG, not raw pixels: " + one.bytes());
        assertEquals(3, one.trackIds().size());
        try (Mat decoded = JpegCodec.decode(one.jpeg())) {
            assertEquals(1920, decoded.cols());
        }
    }

    @Test
    void anEndedTracksFrameStaysForThePageUntilTheBoundsNeedIt() {
        BestFrames frames = new BestFrames(new BestFrames.Settings(2, 64L << 20), 90);
        try (Mat m = noise(2)) {
            frame(frames, "cam", 1, m, List.of(1L), List.of(1L), List.of(), 0);
            frame(frames, "cam", 2, m, List.of(), List.of(), List.of(end("cam", 1, 2)), 0);
            assertNotNull(frames.frame("cam", 1), "an ended event still has its snapshot");
            for (long t = 2; t <= 4; t++) { // three more tracks end: only the last two ended are kept
                frame(frames, "cam", 10 * t, m, List.of(t), List.of(t), List.of(), 0);
                frame(frames, "cam", 10 * t + 1, m, List.of(), List.of(), List.of(end("cam", t, 10 * t + 1)), 0);
            }
        }
        assertNull(frames.frame("cam", 1));
        assertNull(frames.frame("cam", 2));
        assertNotNull(frames.frame("cam", 3));
        assertNotNull(frames.frame("cam", 4));
        assertEquals(Map.of("cam", 0L), frames.dropped(), "ended tracks giving up their frame are not counted");
    }

    /** Failed before (a raw full-resolution copy per live track, no bound): 20 tracks held 20 frames. */
    @Test
    void theTrackBoundKeepsTheNewestAndCountsTheOthers() {
        BestFrames frames = new BestFrames(new BestFrames.Settings(5, 1L << 30), 90);
        try (Mat m = noise(3)) {
            for (long t = 1; t <= 20; t++) {
                frame(frames, "cam", t, m, List.of(t), List.of(t), List.of(), 0);
            }
        }
        for (long t = 1; t <= 15; t++) {
            assertNull(frames.frame("cam", t), "track " + t + " gave up its frame");
        }
        for (long t = 16; t <= 20; t++) {
            assertNotNull(frames.frame("cam", t));
        }
        assertEquals(Map.of("cam", 15L), frames.dropped());
    }

    @Test
    void theByteBudgetIsSharedByTheCamerasAndTheOldestStationaryTrackGoesFirst() {
        long oneFrame;
        try (Mat m = noise(4)) {
            oneFrame = JpegCodec.encode(m, 90).length;
        }
        // room for three frames and a half
        BestFrames frames = new BestFrames(new BestFrames.Settings(50, oneFrame * 7 / 2), 90);
        try (Mat a = noise(4); Mat b = noise(5); Mat c = noise(6); Mat d = noise(7)) {
            frame(frames, "cam1", 1, a, List.of(1L), List.of(1L), List.of(), 0); // track 1: the oldest
            frame(frames, "cam2", 1, b, List.of(2L), List.of(2L), List.of(), 0);
            frame(frames, "cam1", 2, c, List.of(3L), List.of(3L), List.of(), 0);
            // track 1 walks away from where its best frame shows it; 2 and 3 stand still
            frame(frames, "cam1", 3, c, List.of(1L, 3L), List.of(), List.of(), 0);
            frame(frames, "cam1", 4, c, List.of(1L), List.of(), List.of(), 150);
            assertTrue(frames.bytes() <= oneFrame * 7 / 2);
            frame(frames, "cam2", 2, d, List.of(4L), List.of(4L), List.of(), 0); // over the budget
        }
        assertTrue(frames.bytes() <= oneFrame * 7 / 2, frames.bytes() + " bytes");
        assertNull(frames.frame("cam2", 2), "the oldest stationary track gave up its frame, across cameras");
        assertNotNull(frames.frame("cam1", 1), "the older but moving one kept its own");
        assertNotNull(frames.frame("cam1", 3));
        assertNotNull(frames.frame("cam2", 4), "the new best frame is kept");
        assertEquals(Map.of("cam1", 0L, "cam2", 1L), frames.dropped());
    }

    @Test
    void aFrameLargerThanTheWholeBudgetIsNotKept() {
        BestFrames frames = new BestFrames(new BestFrames.Settings(50, 1000), 90);
        try (Mat m = noise(8)) {
            frame(frames, "cam", 1, m, List.of(1L), List.of(1L), List.of(), 0);
        }
        assertNull(frames.frame("cam", 1));
        assertEquals(0, frames.bytes());
        assertEquals(Map.of("cam", 1L), frames.dropped());
    }

    @Test
    void anOlderFrameArrivingLateDoesNotReplaceANewerBestFrame() {
        BestFrames frames = new BestFrames(BestFrames.Settings.DEFAULTS, 90);
        try (Mat m = noise(9)) {
            frame(frames, "cam", 7, m, List.of(1L), List.of(1L), List.of(), 0);
            frame(frames, "cam", 5, m, List.of(1L), List.of(1L), List.of(), 0); // out of order (two workers)
        }
        assertEquals(7, frames.frame("cam", 1).sequence());
    }
}
