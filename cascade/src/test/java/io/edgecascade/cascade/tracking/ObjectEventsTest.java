package io.edgecascade.cascade.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.motion.Polygon;
import io.edgecascade.cascade.motion.Zone;
import io.edgecascade.cascade.tracking.ObjectEvents;
import io.edgecascade.cascade.tracking.TrackingSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ObjectEventsTest {

    private static final TrackingSettings SETTINGS = new TrackingSettings(2, 0.95, 2000, 0.1, 3000);
    private final List<VideoFrame> frames = new ArrayList<>();

    private VideoFrame frame(long seq) {
        VideoFrame f = new VideoFrame("cam", seq, seq * 100, Instant.ofEpochMilli(1_000_000 + seq * 100),
                new Mat(400, 800, opencv_core.CV_8UC3));
        frames.add(f);
        return f;
    }

    @AfterEach
    void free() {
        frames.forEach(VideoFrame::close);
    }

    private static Detection person(float x, float score) {
        return new Detection("person", 0, score, x, 100, x + 50, 300);
    }

    private static List<TrackEvent.Type> types(FrameTracks t) {
        return t.events().stream().map(TrackEvent::type).toList();
    }

    @Test
    void aTrackBecomesOneEventStartUpdatesEnd() {
        // Walks right at 100 px/s (10 px a frame); the zone is the right half, feet enter it at frame 28.
        ObjectEvents events = new ObjectEvents("cam", new TrackingSettings(2, 0.95, 2000, 0.1, 1000),
                List.of(new Zone("right", Polygon.of(0.5, 0, 1, 0, 1, 1, 0.5, 1))));
        FrameTracks first = events.onFrame(frame(0), List.of(person(100, 0.6f)));
        assertEquals(List.of(), types(first), "tentative: no line yet");
        assertEquals(first.trackIds(), first.bestOf(), "its frame is its best so far");
        assertTrue(events.holdOpen());
        assertTrue(events.hurry(), "a second look is wanted at once");

        FrameTracks second = events.onFrame(frame(1), List.of(person(110, 0.5f)));
        assertEquals(List.of(TrackEvent.Type.START), types(second));
        TrackEvent start = second.events().get(0);
        assertEquals(0.6f, start.score(), 1e-6, "the best score so far, from the first frame");
        assertEquals(0, start.bestFrame());
        assertEquals(1, start.frame(), "the line describes the frame that confirmed the track");
        assertEquals(0, start.startPtsMs());
        assertTrue(start.eventId().startsWith("cam-" + start.trackId() + "-"), start.eventId());
        assertFalse(events.hurry());

        assertEquals(List.of(), types(events.onFrame(frame(6), List.of(person(160, 0.55f)))), "nothing new");
        assertEquals(List.of(TrackEvent.Type.UPDATE), types(events.onFrame(frame(11), List.of(person(210, 0.8f)))),
                "the best score rose");
        assertEquals(List.of(), types(events.onFrame(frame(16), List.of(person(260, 0.7f)))), "nothing new");
        FrameTracks zone = events.onFrame(frame(28), List.of(person(380, 0.7f)));
        assertEquals(List.of(TrackEvent.Type.UPDATE), types(zone), "it entered a zone");
        assertEquals(List.of("right"), zone.events().get(0).zones());
        assertEquals(List.of(TrackEvent.Type.UPDATE), types(events.onFrame(frame(39), List.of(person(490, 0.7f)))),
                "1.1 s since the last line");

        assertEquals(List.of(), types(events.onFrame(frame(50), List.of())), "1.1 s unseen: still on");
        assertTrue(events.holdOpen());
        FrameTracks end = events.onFrame(frame(60), List.of());
        assertEquals(List.of(TrackEvent.Type.END), types(end), "2.1 s unseen: over");
        TrackEvent e = end.events().get(0);
        assertEquals(start.eventId(), e.eventId());
        assertEquals(TrackEvent.EndReason.LOST, e.reason(), "not seen for max_age");
        assertEquals(0.8f, e.score(), 1e-6);
        assertEquals(11, e.bestFrame());
        assertEquals(3900, e.durationMs(), "first to last sighting");
        assertEquals(List.of("right"), e.zones(), "every zone it entered");
        assertEquals(60, e.frame());
        assertFalse(events.holdOpen(), "nothing tracked: the gate may close");
        assertEquals(1, events.started());
    }

    @Test
    void aOneFrameFalsePositiveIsDiscardedWithoutAnEvent() {
        ObjectEvents events = new ObjectEvents("cam", SETTINGS, List.of());
        long id = events.onFrame(frame(0), List.of(person(100, 0.5f))).trackIds().get(0);
        FrameTracks next = events.onFrame(frame(1), List.of());
        assertEquals(List.of(id), next.discarded());
        assertTrue(next.events().isEmpty());
        assertEquals(0, events.started());
    }

    private VideoFrame frame(long seq, int width, int height) {
        VideoFrame f = new VideoFrame("cam", seq, seq * 100, Instant.ofEpochMilli(1_000_000 + seq * 100),
                new Mat(height, width, opencv_core.CV_8UC3));
        frames.add(f);
        return f;
    }

    /** A camera that comes back at half its resolution: a pixel zone that no longer fits is left out, fractions scale. */
    @Test
    void aResolutionChangeLeavesOutPixelZonesThatNoLongerFitAndScalesFractionalOnes() {
        ObjectEvents events = new ObjectEvents("cam", new TrackingSettings(1, 0.5, 2000, 0.1, 0), List.of(
                new Zone("left", Polygon.of(0, 0, 400, 0, 400, 400, 0, 400)),
                new Zone("right", Polygon.of(0.5, 0, 1, 0, 1, 1, 0.5, 1))));
        FrameTracks big = events.onFrame(frame(0, 800, 400), List.of(new Detection("person", 0, 0.9f, 600, 100, 650,
                300)));
        assertEquals(List.of("right"), big.events().get(0).zones());
        // the same place at half the size: the left polygon (pixels of the 800x400 picture) would now hold the whole
        // frame, and reaches below it: it is left out instead of putting everyone in it
        FrameTracks small = events.onFrame(frame(1, 400, 200), List.of(new Detection("person", 0, 0.9f, 300, 50, 325,
                150)));
        assertEquals(List.of("right"), small.events().get(0).zones(), "the fractional zone scaled, the pixel one"
                + " is left out");
    }

    @Test
    void finishEndsOpenEventsOnTheLastFrameSeen() {
        ObjectEvents events = new ObjectEvents("cam", SETTINGS, List.of());
        events.onFrame(frame(0), List.of(person(100, 0.6f)));
        events.onFrame(frame(5), List.of(person(105, 0.6f)));
        events.onFrame(frame(9), List.of());
        FrameTracks end = events.finish(TrackEvent.EndReason.STREAM_END);
        assertEquals(List.of(TrackEvent.Type.END), types(end));
        assertEquals(9, end.events().get(0).frame());
        assertEquals(TrackEvent.EndReason.STREAM_END, end.events().get(0).reason());
        assertTrue(events.finish(TrackEvent.EndReason.SHUTDOWN).isQuiet(), "nothing left to end");
    }
}
