package io.edgecascade.cascade.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.motion.KnownObject;
import java.time.Instant;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The tracker's schedule of looks ({@code tracking.look_again_max_s}) and what it tells the gate. */
class LookScheduleTest {

    private static final TrackingSettings SETTINGS = new TrackingSettings(2, 1.0, 3000, 0.1, 5000, 1500);

    private static Detection person(float cx) {
        return new Detection("person", 0, 0.8f, cx - 20, 200, cx + 20, 300);
    }

    @Test
    void aTrackFoundWherePredictedWaitsTwiceAsLongEachTimeUpToTheMaximum() {
        Tracker tracker = new Tracker(SETTINGS);
        tracker.update(0, List.of(person(100)));
        Track t = tracker.update(100, List.of(person(102))).matched().get(0);
        assertEquals(200, t.lookAgainMs(), "found where predicted 100 ms later: the next look in 200 ms");
        long[] gaps = {200, 400, 800, 1500};
        long[] expected = {400, 800, 1500, 1500};
        long now = 100;
        for (int i = 0; i < gaps.length; i++) {
            now += gaps[i];
            t = tracker.update(now, List.of(person(102 + now / 100f))).matched().get(0);
            assertEquals(expected[i], t.lookAgainMs(), "after a good look " + gaps[i] + " ms later");
        }
    }

    @Test
    void aTrackFoundFarFromItsPredictionIsLookedAtAgainAtTheGatesPace() {
        Tracker tracker = new Tracker(SETTINGS);
        tracker.update(0, List.of(person(100)));
        tracker.update(500, List.of(person(100)));
        Track t = tracker.update(1500, List.of(person(100))).matched().get(0);
        assertEquals(1500, t.lookAgainMs());
        // it turned and ran: matched by distance, but far from where it was predicted
        t = tracker.update(2000, List.of(person(135))).matched().get(0);
        assertEquals(0, t.lookAgainMs(), "misbehaved: no waiting");
    }

    @Test
    void scheduleOffPublishesNoKnownObjectsSoTheGateLooksAsBefore() {
        ObjectEvents off = new ObjectEvents("cam", "people", SETTINGS.withLookAgainMaxMs(0), List.of(),
                StationarySettings.OFF, java.util.Set.of(), new java.util.concurrent.atomic.AtomicLong()::incrementAndGet);
        ObjectEvents on = new ObjectEvents("cam", "people", SETTINGS, List.of(), StationarySettings.OFF,
                java.util.Set.of(), new java.util.concurrent.atomic.AtomicLong()::incrementAndGet);
        for (long pts = 0; pts <= 1000; pts += 500) {
            try (VideoFrame f = new VideoFrame("cam", pts / 100, pts, Instant.EPOCH, new Mat())) {
                off.onFrame(f, List.of(person(100 + pts / 10f)));
                on.onFrame(f, List.of(person(100 + pts / 10f)));
            }
        }
        assertTrue(off.known().isEmpty());
        assertTrue(off.holdOpen(), "the gate is still held open for the tracked object");
        List<KnownObject> known = on.known();
        assertEquals(1, known.size());
        KnownObject k = known.get(0);
        assertEquals(1000, k.ptsMs());
        assertEquals(1000, k.seenMs());
        assertEquals(1000, k.lookAgainMs());
        assertTrue(k.rates()[0] > 0 && k.rates()[2] > 0, "moving right: " + java.util.Arrays.toString(k.rates()));
    }

    @Test
    void lookAgainMaxIsCheckedAgainstMaxAge() {
        assertEquals(1500, TrackingSettings.DEFAULTS.lookAgainMaxMs());
        assertEquals(500, new TrackingSettings(2, 0.7, 1000, 0.1, 5000).lookAgainMaxMs(),
                "the default is at most half of max_age");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new TrackingSettings(2, 0.7, 3000, 0.1, 5000, 2000));
        assertEquals("look_again_max_s must be 0 (off) .. half of max_age_s", e.getMessage());
        assertArrayEquals(new float[] {110, 200, 150, 300},
                new KnownObject(new float[] {100, 200, 140, 300}, new float[] {20, 0, 20, 0}, 1000, 1000, 0)
                        .boxAt(1500));
    }
}
