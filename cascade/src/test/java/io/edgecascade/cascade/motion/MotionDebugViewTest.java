package io.edgecascade.cascade.motion;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/** What the web page shows of the gate (its debug view), and tuning a running gate. */
class MotionDebugViewTest {

    private static final int W = 640;
    private static final int H = 360;

    private static Mat scene(int x, double person) {
        Mat m = new Mat(H, W, CV_8UC3, new Scalar(120, 120, 120, 0));
        if (x >= 0) {
            rectangle(m, new Point(x, 200), new Point(x + 40, 280), new Scalar(person, person, person, 0), -1, 8, 0);
        }
        return m;
    }

    @Test
    void theDebugViewIsTheGreyImageWithChangedPixelsInRed() {
        MotionSettings s = new MotionSettings(true, 25, 0.002, 0, 0, 180, 0.3, 0.6);
        try (MotionGate gate = MotionGate.create(s); Mat view = new Mat()) {
            assertFalse(gate.debugView(view), "nothing to show before the first frame");
            gate.decide(scene(-1, 0), 0);
            gate.decide(scene(300, 20), 100);
            assertTrue(gate.debugView(view));
            assertEquals(180, view.rows());
            assertEquals(320, view.cols());
            try (UByteIndexer px = view.createIndexer()) {
                // inside the moved object (x 300..340, y 200..280 of 640x360 -> 150..170, 100..140 at 320x180)
                assertEquals(255, px.get(120, 160, 2), "red");
                assertEquals(0, px.get(120, 160, 1));
                // the still background stays grey
                assertEquals(px.get(20, 20, 0), px.get(20, 20, 2));
                assertTrue(px.get(20, 20, 0) > 100);
            }
        }
    }

    @Test
    void retuningKeepsTheBackgroundAndAppliesTheNewThreshold() {
        MotionSettings strict = new MotionSettings(true, 200, 0.002, 0, 0, 180, 0.3, 0.6);
        try (MotionGate gate = MotionGate.create(strict)) {
            for (int i = 0; i < 3; i++) {
                gate.decide(scene(-1, 0), i * 100L);
            }
            // a change of 100 grey levels is below 200: still
            assertFalse(gate.decide(scene(300, 20), 300).passes());
            gate.retune(new MotionSettings(true, 25, 0.002, 0, 0, 180, 0.3, 0.6));
            // the very next frame is judged with threshold 25 against the background learnt so far
            assertTrue(gate.decide(scene(340, 20), 400).passes());
        }
    }
}
