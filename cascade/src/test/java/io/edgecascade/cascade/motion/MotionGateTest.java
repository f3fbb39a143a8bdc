package io.edgecascade.cascade.motion;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.api.MotionResult;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class MotionGateTest {

    private static final int W = 640;
    private static final int H = 360;

    private static MotionSettings settings(int cooldown, long minIntervalMs) {
        return new MotionSettings(true, 25, 0.002, cooldown, minIntervalMs, 180, 0.3, 0.6);
    }

    /** A grey room with a dark 40x80 'person' at x (or none when x < 0). */
    private static Mat scene(int x, double background) {
        Mat m = new Mat(H, W, CV_8UC3, new Scalar(background, background, background, 0));
        if (x >= 0) {
            rectangle(m, new Point(x, 200), new Point(x + 40, 280), new Scalar(20, 30, 40, 0), -1, 8, 0);
        }
        return m;
    }

    @Test
    void staysClosedOnAStillSceneAndOpensWhereSomethingMoves() {
        try (MotionGate gate = MotionGate.create(settings(0, 0))) {
            for (int i = 0; i < 5; i++) {
                assertFalse(gate.decide(scene(-1, 120), i * 100L).passes(), "still frame " + i);
            }
            MotionGate.Decision d = gate.decide(scene(300, 120), 500);
            assertTrue(d.passes());
            assertTrue(d.motion().changedArea() > 0.01, "changed area " + d.motion().changedArea());
            MotionResult.Region r = d.motion().regions().get(0);
            // the region covers the object (dilation and the 180-px working size blur its edges a little)
            assertTrue(r.x() <= 302 && r.x() + r.width() >= 338, "region " + r);
            assertTrue(r.y() <= 202 && r.y() + r.height() >= 278, "region " + r);
        }
    }

    @Test
    void lightsSwitchedOnRecalibrateInsteadOfOpening() {
        try (MotionGate gate = MotionGate.create(settings(0, 0))) {
            gate.decide(scene(-1, 60), 0);
            gate.decide(scene(-1, 60), 100);
            MotionGate.Decision d = gate.decide(scene(-1, 200), 200);
            assertFalse(d.passes());
            assertTrue(d.motion().recalibrated());
            assertFalse(gate.decide(scene(-1, 200), 300).passes(), "the new brightness is the background now");
        }
    }

    @Test
    void cooldownKeepsTheGateOpenExactlyCooldownFramesAfterMotionStops() {
        for (int cooldown : new int[] {2, 5}) {
            MotionSettings s = settings(cooldown, 0);
            try (MotionGate gate = MotionGate.create(s)) {
                gate.decide(scene(-1, 120), 0);
                assertTrue(gate.decide(scene(100, 120), 100).passes());
                // the object stays where it is: the background absorbs it over a few frames
                int lastMoving = 1;
                boolean[] passed = new boolean[40];
                for (int i = 2; i < passed.length; i++) {
                    MotionGate.Decision d = gate.decide(scene(100, 120), i * 100L);
                    if (!d.motion().recalibrated() && d.motion().changedArea() > 0
                            && d.motion().changedArea() >= s.minArea()) {
                        lastMoving = i;
                    }
                    passed[i] = d.passes();
                }
                assertTrue(lastMoving + cooldown < passed.length - 1, "motion ended within the test");
                for (int i = 2; i < passed.length; i++) {
                    assertEquals(i <= lastMoving + cooldown, passed[i], "cooldown " + cooldown + ", frame " + i
                            + ", last motion at frame " + lastMoving);
                }
            }
        }
    }

    @Test
    void minIntervalThrottlesTheDetectorWhileMotionPersists() {
        try (MotionGate gate = MotionGate.create(settings(0, 500))) {
            gate.decide(scene(-1, 120), 0);
            int passed = 0;
            int throttled = 0;
            for (int i = 1; i <= 20; i++) { // an object crossing the room at 10 fps for 2 s
                MotionGate.Decision d = gate.decide(scene(i * 25, 120), i * 100L);
                if (d.passes()) {
                    passed++;
                } else if (d.verdict() == MotionGate.Verdict.THROTTLED) {
                    throttled++;
                }
            }
            assertEquals(4, passed, "one detector run per 500 ms of stream time over 2 s");
            assertEquals(16, throttled);
        }
    }

    @Test
    void aDisabledGatePassesEveryFrame() {
        MotionSettings off = new MotionSettings(false, 25, 0.002, 0, 0, 180, 0.3, 0.6);
        try (MotionGate gate = MotionGate.create(off)) {
            for (int i = 0; i < 3; i++) {
                assertTrue(gate.decide(scene(-1, 120), i).passes());
            }
        }
    }
}
