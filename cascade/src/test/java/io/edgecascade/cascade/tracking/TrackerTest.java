package io.edgecascade.cascade.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.api.Detection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrackerTest {

    private static final TrackingSettings SETTINGS = new TrackingSettings(2, 1.0, 2000, 0.1, 5000);

    private static Detection person(float cx, float cy) {
        return box("person", 0, cx, cy, 40, 100);
    }

    private static Detection box(String label, int classId, float cx, float cy, float w, float h) {
        return new Detection(label, classId, 0.8f, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }

    @Test
    void crossingObjectsKeepTheirIds() {
        Tracker tracker = new Tracker(SETTINGS);
        // A walks right, B walks left along the same line; they pass through each other at frame 10 (t = 5 s),
        // seen twice a second as the gated detector would see them.
        long idA = -1;
        long idB = -1;
        for (int i = 0; i <= 20; i++) {
            float ax = 100 + 20 * i;
            float bx = 500 - 20 * i;
            List<Detection> dets = i % 2 == 0 ? List.of(person(ax, 300), person(bx, 302))
                    : List.of(person(bx, 302), person(ax, 300)); // order must not matter
            Tracker.Update u = tracker.update(i * 500L, dets);
            Track a = u.matched().get(i % 2 == 0 ? 0 : 1);
            Track b = u.matched().get(i % 2 == 0 ? 1 : 0);
            if (i == 0) {
                idA = a.id();
                idB = b.id();
                assertNotEquals(idA, idB);
            }
            assertEquals(idA, a.id(), "A's id at frame " + i);
            assertEquals(idB, b.id(), "B's id at frame " + i);
        }
        assertEquals(2, tracker.tracks().size());
    }

    @Test
    void aMissedDetectionDoesNotEndATrack() {
        Tracker tracker = new Tracker(SETTINGS);
        long id = tracker.update(0, List.of(person(100, 300))).matched().get(0).id();
        tracker.update(500, List.of(person(110, 300)));
        for (long t = 1000; t <= 2000; t += 500) {
            Tracker.Update u = tracker.update(t, List.of()); // missed twice, 1.5 s unseen
            assertTrue(u.removed().isEmpty(), "ended after a miss at " + t + " ms");
        }
        Tracker.Update u = tracker.update(2500, List.of(person(150, 300)));
        assertEquals(id, u.matched().get(0).id(), "the object seen again after misses keeps its track");
        assertTrue(u.matched().get(0).confirmed());
        assertEquals(3, u.matched().get(0).hits());
    }

    @Test
    void aTrackEndsAfterMaxAge() {
        Tracker tracker = new Tracker(SETTINGS);
        Track t = tracker.update(0, List.of(person(100, 300))).matched().get(0);
        tracker.update(500, List.of(person(105, 300)));
        assertTrue(tracker.update(2500, List.of()).removed().isEmpty(), "2.0 s unseen is not more than max_age");
        Tracker.Update u = tracker.update(2600, List.of());
        assertEquals(List.of(t), u.removed(), "2.1 s unseen ends the track");
        assertTrue(tracker.tracks().isEmpty());
        long next = tracker.update(2700, List.of(person(105, 300))).matched().get(0).id();
        assertNotEquals(t.id(), next, "an object after the end is a new track");
    }

    @Test
    void confirmationNeedsMinHits() {
        Tracker tracker = new Tracker(new TrackingSettings(3, 1.0, 2000, 0.1, 5000));
        assertFalse(tracker.update(0, List.of(person(100, 300))).matched().get(0).confirmed());
        assertFalse(tracker.update(500, List.of(person(102, 300))).matched().get(0).confirmed());
        assertTrue(tracker.update(1000, List.of(person(104, 300))).matched().get(0).confirmed());
    }

    @Test
    void aConfidentDetectionConfirmsAtOnceAndAnUnconfirmedTrackEndsAtItsFirstMiss() {
        Tracker tracker = new Tracker(new TrackingSettings(2, 0.7, 2000, 0.1, 5000));
        Detection sure = new Detection("person", 0, 0.9f, 80, 250, 120, 350);
        assertTrue(tracker.update(0, List.of(sure)).matched().get(0).confirmed());
        Track unsure = tracker.update(500, List.of(sure, new Detection("person", 0, 0.5f, 400, 250, 440, 350)))
                .matched().get(1);
        assertFalse(unsure.confirmed());
        Tracker.Update u = tracker.update(1000, List.of(sure));
        assertEquals(List.of(unsure), u.removed(), "a tentative track does not outlive one miss");
        assertEquals(1, tracker.tracks().size());
    }

    @Test
    void classesAreTrackedSeparately() {
        Tracker tracker = new Tracker(SETTINGS);
        Tracker.Update u = tracker.update(0, List.of(person(100, 300), box("dog", 16, 100, 300, 40, 100)));
        assertNotEquals(u.matched().get(0).id(), u.matched().get(1).id());
        Tracker.Update v = tracker.update(500, List.of(box("dog", 16, 102, 300, 40, 100)));
        assertEquals(u.matched().get(1).id(), v.matched().get(0).id(), "the dog matches the dog's track");
    }

    @Test
    void theFilterLearnsVelocitySoAFastObjectStaysMatched() {
        Tracker tracker = new Tracker(SETTINGS);
        // 45 px a step for a 40 px wide box: consecutive boxes barely overlap (IoU ~0.06 without prediction).
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            float x = 100 + 45 * i;
            Tracker.Update u = tracker.update(i * 500L, List.of(box("person", 0, x, 300, 40, 100)));
            ids.add(u.matched().get(0).id());
        }
        assertEquals(1, ids.stream().skip(2).distinct().count(), "ids " + ids);
        assertTrue(ids.stream().distinct().count() <= 2, "ids " + ids);
    }

    @Test
    void theTimeNeverStepsBack() {
        Tracker tracker = new Tracker(SETTINGS);
        Track t = tracker.update(1000, List.of(person(100, 300))).matched().get(0);
        Tracker.Update u = tracker.update(900, List.of(person(101, 300)));
        assertEquals(t.id(), u.matched().get(0).id(), "a frame from a slower worker still matches");
        assertTrue(u.removed().isEmpty());
    }
}
