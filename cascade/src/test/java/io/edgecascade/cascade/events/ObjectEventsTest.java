package io.edgecascade.cascade.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.detect.Detection;
import io.edgecascade.cascade.motion.Polygon;
import io.edgecascade.cascade.motion.Zone;
import io.edgecascade.cascade.source.VideoFrame;
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
        ObjectEvents events = new ObjectEvents("cam", SETTINGS, List.of(new Zone("right",
                Polygon.of(0.5, 0, 1, 0, 1, 1, 0.5, 1))));
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

        assertEquals(List.of(), types(events.onFrame(frame(6), List.of(person(150, 0.55f)))), "nothing new");
        FrameTracks better = events.onFrame(frame(11), List.of(person(200, 0.8f)));
        assertEquals(List.of(TrackEvent.Type.UPDATE), types(better), "the best score rose");
        FrameTracks zone = events.onFrame(frame(16), List.of(person(420, 0.7f)));
        assertEquals(List.of(TrackEvent.Type.UPDATE), types(zone), "it entered a zone");
        assertEquals(List.of("right"), zone.events().get(0).zones());
        FrameTracks periodic = events.onFrame(frame(47), List.of(person(430, 0.7f)));
        assertEquals(List.of(TrackEvent.Type.UPDATE), types(periodic), "3 s since the last line");

        assertEquals(List.of(), types(events.onFrame(frame(60), List.of())), "1.3 s unseen: still on");
        FrameTracks end = events.onFrame(frame(68), List.of());
        assertEquals(List.of(TrackEvent.Type.END), types(end), "2.1 s unseen: over");
        TrackEvent e = end.events().get(0);
        assertEquals(start.eventId(), e.eventId());
        assertEquals(0.8f, e.score(), 1e-6);
        assertEquals(11, e.bestFrame());
        assertEquals(4700, e.durationMs(), "first to last sighting");
        assertEquals(List.of("right"), e.zones(), "every zone it entered");
        assertEquals(68, e.frame());
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

    @Test
    void finishEndsOpenEventsOnTheLastFrameSeen() {
        ObjectEvents events = new ObjectEvents("cam", SETTINGS, List.of());
        events.onFrame(frame(0), List.of(person(100, 0.6f)));
        events.onFrame(frame(5), List.of(person(105, 0.6f)));
        events.onFrame(frame(9), List.of());
        FrameTracks end = events.finish();
        assertEquals(List.of(TrackEvent.Type.END), types(end));
        assertEquals(9, end.events().get(0).frame());
        assertTrue(events.finish().isQuiet(), "nothing left to end");
    }
}
