package io.edgecascade.cascade.usecase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.api.Drawing;
import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.TrackedObject;
import io.edgecascade.cascade.api.UseCase;
import io.edgecascade.cascade.api.UseCaseOutput;
import io.edgecascade.cascade.api.VideoFrame;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code line_crossing} on a 768x432 picture with the vertical line at x = 0.75 (576 px), drawn top to bottom: forward
 * is to the left, backward to the right; the hysteresis band is 1% of the diagonal (8.8 px) each side.
 */
class LineCrossingTest {

    private static final Mat PICTURE = new Mat(432, 768, opencv_core.CV_8UC3);
    private final List<Map<String, Object>> lines = new ArrayList<>();
    private final UseCaseOutput out = new UseCaseOutput() {
        @Override
        public void event(String type, Map<String, Object> fields) {
            assertEquals("line_crossing", type);
            lines.add(fields);
        }

        @Override
        public void draw(List<Drawing> drawings) {
        }
    };
    private long pts;

    @AfterAll
    static void free() {
        PICTURE.close();
    }

    private static UseCase door(Map<String, Object> keys) throws Exception {
        Map<String, Object> all = new LinkedHashMap<>(Map.of("line", List.of(List.of(0.75, 0.0), List.of(0.75, 1.0))));
        all.putAll(keys);
        List<String> problems = new ArrayList<>();
        SettingsView view = new SettingsView("door", "line_crossing", "lobby", all, Map.of(), Set.of("person", "dog"),
                (k, m) -> problems.add(k + ": " + m));
        UseCase u = new LineCrossing.Factory().create(view);
        assertEquals(List.of(), problems);
        return u;
    }

    /** One frame in which the person of track {@code id} stands with the bottom centre of its box at {@code x}. */
    private void see(UseCase u, long id, String label, double x, TrackEvent... events) throws Exception {
        pts += 500;
        float[] box = {(float) x - 40, 150, (float) x + 40, 400};
        TrackedObject o = new TrackedObject(id, "lobby-" + id, "people", label, box, List.of(), 0, pts, false,
                List.of());
        FrameTracks tracks = new FrameTracks(List.of(id), List.of(events), List.of(), List.of(), List.of(o),
                List.of(), List.of());
        PositiveFrame f = new PositiveFrame(new VideoFrame("lobby", pts / 100, pts, Instant.EPOCH, PICTURE), null,
                List.of(), tracks);
        for (TrackEvent e : events) {
            u.onEvent(e, out);
        }
        u.onFrame(f, out);
    }

    private void end(UseCase u, long id) throws Exception {
        pts += 500;
        TrackEvent end = new TrackEvent("lobby-" + id, TrackEvent.Type.END, "lobby", pts / 100, pts, Instant.EPOCH,
                "person", id, 0.9f, new float[] {0, 0, 1, 1}, List.of(), 0, pts, 0);
        PositiveFrame f = new PositiveFrame(new VideoFrame("lobby", pts / 100, pts, Instant.EPOCH, PICTURE), null,
                List.of(), new FrameTracks(List.of(), List.of(end), List.of(), List.of(), List.of(), List.of(),
                        List.of()));
        u.onEvent(end, out);
        u.onFrame(f, out);
    }

    @Test
    void walkingRightIsBackwardAndLeftIsForwardEachOnce() throws Exception {
        try (UseCase u = door(Map.of())) {
            for (double x : new double[] {400, 500, 560, 600, 700}) {
                see(u, 1, "person", x);
            }
            for (double x : new double[] {700, 620, 500}) {
                see(u, 2, "person", x);
            }
            assertEquals(2, lines.size(), lines.toString());
            assertEquals("backward", lines.get(0).get("direction"));
            assertEquals(1L, lines.get(0).get("track_id"));
            assertEquals("forward", lines.get(1).get("direction"));
            assertEquals("people", lines.get(1).get("model"));
            assertEquals(Map.of("forward", 1L, "backward", 1L), u.counts());
        }
    }

    @Test
    void jitterOnTheLineCountsOnce() throws Exception {
        try (UseCase u = door(Map.of())) {
            see(u, 1, "person", 540);
            // stands on the line: its foot jitters by up to 6 px either side, then it walks on
            for (double x : new double[] {570, 582, 571, 581, 572, 580, 570, 600}) {
                see(u, 1, "person", x);
            }
            assertEquals(1, lines.size(), lines.toString());
            assertEquals(Map.of("forward", 0L, "backward", 1L), u.counts());
        }
    }

    @Test
    void anObjectLastSeenJustPastTheLineCountsWhenItsTrackEnds() throws Exception {
        try (UseCase u = door(Map.of())) {
            see(u, 1, "person", 500);
            see(u, 1, "person", 580); // 4 px past the line: within the band
            assertEquals(0, lines.size());
            end(u, 1);
            assertEquals(1, lines.size(), lines.toString());
            assertEquals("backward", lines.get(0).get("direction"));
            // one that came back to its own side before it was lost did not cross
            see(u, 2, "person", 500);
            see(u, 2, "person", 573);
            end(u, 2);
            assertEquals(1, lines.size(), lines.toString());
        }
    }

    @Test
    void onlyTheLabelsAsked() throws Exception {
        try (UseCase u = door(Map.of("labels", List.of("person")))) {
            for (double x : new double[] {400, 700}) {
                see(u, 1, "dog", x);
            }
            assertEquals(0, lines.size());
            for (double x : new double[] {400, 700}) {
                see(u, 2, "person", x);
            }
            assertEquals(1, lines.size());
        }
        assertTrue(lines.get(0).get("label").equals("person"));
    }
}
