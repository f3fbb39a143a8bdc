package io.edgecascade.cascade.motion;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/** The gate with a hold that knows tracked objects ({@code tracking.look_again_max_s}). */
class MotionGateKnownObjectsTest {

    private static final MotionSettings SETTINGS = new MotionSettings(true, 25, 0.002, 5, 500, 180, 0.3, 0.6);

    /** A hold scripted by the test: what the camera's tracker would say. */
    private static final class ScriptedHold implements GateHold {
        volatile List<KnownObject> known = List.of();
        volatile boolean hurry;

        @Override
        public boolean holdOpen() {
            return !known.isEmpty();
        }

        @Override
        public boolean hurry() {
            return hurry;
        }

        @Override
        public List<KnownObject> known() {
            return known;
        }
    }

    /** A grey room with dark 40x80 'people' at each x. */
    private static Mat scene(int... xs) {
        Mat m = new Mat(360, 640, CV_8UC3, new Scalar(120, 120, 120, 0));
        for (int x : xs) {
            rectangle(m, new Point(x, 200), new Point(x + 40, 280), new Scalar(20, 30, 40, 0), -1, 8, 0);
        }
        return m;
    }

    /** An object standing over x..x+40 (as the tracker would have it), last found at {@code seenMs}. */
    private static KnownObject at(int x, long seenMs, long lookAgainMs) {
        return new KnownObject(new float[] {x, 200, x + 40, 280}, new float[4], seenMs, seenMs, lookAgainMs);
    }

    @Test
    void motionOfAKnownObjectIsSkippedUntilItIsDueAndNewMotionPassesAtOnceAlone() {
        ScriptedHold hold = new ScriptedHold();
        try (MotionGate gate = MotionGate.create(SETTINGS, hold)) {
            gate.decide(scene(), 0);
            assertTrue(gate.decide(scene(100), 100).passes(), "nothing known yet: the first look");
            hold.known = List.of(at(100, 100, 1500));
            // it moves a little, inside its predicted box; the gate's pace alone would pass at 600 and 1100 ms
            int passed = 0;
            for (long t = 200; t < 1600; t += 100) {
                MotionGate.Decision d = gate.decide(scene(t % 200 == 0 ? 104 : 100), t);
                if (d.passes()) {
                    passed++;
                } else if (d.verdict() != MotionGate.Verdict.THROTTLED) {
                    assertTrue(d.verdict().known(), "at " + t + ": " + d.verdict());
                }
            }
            assertEquals(0, passed, "explained by the known object, not due before 1600 ms");
            MotionGate.Decision due = gate.decide(scene(100), 1600);
            assertTrue(due.passes(), "due 1500 ms after it was found");
            assertFalse(due.newMotionOnly());
            hold.known = List.of(at(100, 1600, 1500));
            // someone comes in at the other end: looked at at once (600 ms after the last pass), and alone
            MotionGate.Decision d = gate.decide(scene(100, 500), 2200);
            assertTrue(d.passes(), d.verdict().toString());
            assertTrue(d.newMotionOnly());
            assertFalse(d.newMotion().isEmpty());
            for (var r : d.newMotion()) {
                assertTrue(r.x() >= 400, "only the new motion is looked at: " + d.newMotion());
            }
            assertTrue(d.motion().regions().containsAll(d.newMotion()), "the motion seen stays whole for the sinks");
        }
    }

    @Test
    void aLookThatNeverReachedTheDetectorDoesNotPutOffTheNext() {
        ScriptedHold hold = new ScriptedHold();
        hold.known = List.of(at(100, 0, 1000));
        try (MotionGate kept = MotionGate.create(SETTINGS, hold); MotionGate dropped = MotionGate.create(SETTINGS,
                hold)) {
            for (MotionGate gate : List.of(kept, dropped)) {
                gate.decide(scene(100), 0);
                assertTrue(gate.decide(scene(104), 1000).passes(), "due 1000 ms after it was found");
            }
            dropped.lookDropped(1000); // a newer frame of the live camera took its place in the detector's slot
            // the tracker has not seen a look since 0 ms: with the look in flight the object waits for its answer
            MotionGate.Decision waiting = kept.decide(scene(100), 1500);
            assertTrue(waiting.verdict().known(), waiting.verdict().toString());
            assertTrue(dropped.decide(scene(100), 1500).passes(), "the dropped look does not count");
        }
    }

    @Test
    void aConfirmingLookAndAGateWithoutKnownObjectsPassAsBefore() {
        ScriptedHold hold = new ScriptedHold();
        try (MotionGate gate = MotionGate.create(SETTINGS, hold); MotionGate plain = MotionGate.create(SETTINGS)) {
            gate.decide(scene(), 0);
            plain.decide(scene(), 0);
            hold.known = List.of(at(100, 0, 1500));
            hold.hurry = true; // another object waits for its second look
            MotionGate.Decision d = gate.decide(scene(100), 100);
            assertTrue(plain.decide(scene(100), 100).passes());
            assertTrue(d.passes());
            assertFalse(d.newMotionOnly(), "a confirming look is a full one");
            hold.hurry = false;
            hold.known = List.of();
            for (long t = 200; t < 2000; t += 100) {
                Mat frame = scene(100 + (int) (t / 10));
                assertEquals(plain.decide(frame, t).verdict(), gate.decide(frame, t).verdict(), "at " + t);
            }
        }
    }
}
