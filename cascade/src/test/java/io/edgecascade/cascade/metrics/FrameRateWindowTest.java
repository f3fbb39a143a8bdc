package io.edgecascade.cascade.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FrameRateWindowTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void noFramesIsZero() {
        assertEquals(0.0, new FrameRateWindow(10 * SECOND).rate(5 * SECOND));
    }

    @Test
    void steadyTenFpsReadsTen() {
        FrameRateWindow w = new FrameRateWindow(10 * SECOND);
        long t = 0;
        for (int i = 0; i < 300; i++) {
            t = 1000 * SECOND + i * SECOND / 10;
            w.record(t);
        }
        assertEquals(10.0, w.rate(t), 0.2);
    }

    @Test
    void whileTheWindowFillsTheRateIsOverTheTimeSinceTheFirstFrame() {
        FrameRateWindow w = new FrameRateWindow(10 * SECOND);
        long t = 0;
        for (int i = 0; i < 25; i++) { // 2.4 s at 10 fps
            t = i * SECOND / 10;
            w.record(t);
        }
        assertEquals(25 / 2.4, w.rate(t), 0.01);
    }

    @Test
    void aStalledCameraDecaysToZeroWithinTheWindow() {
        FrameRateWindow w = new FrameRateWindow(10 * SECOND);
        long t = 0;
        for (int i = 0; i < 200; i++) {
            t = i * SECOND / 10;
            w.record(t);
        }
        double before = w.rate(t);
        double halfway = w.rate(t + 5 * SECOND);
        assertEquals(before / 2, halfway, 0.3);
        assertEquals(0.0, w.rate(t + 11 * SECOND));
    }

    @Test
    void aSourceFasterThanTheBufferIsMeasuredOverWhatTheBufferHolds() {
        FrameRateWindow w = new FrameRateWindow(10 * SECOND);
        long t = 0;
        for (int i = 0; i < 3 * FrameRateWindow.CAPACITY; i++) { // 2000 fps
            t = 100 * SECOND + i * SECOND / 2000;
            w.record(t);
        }
        assertEquals(2000.0, w.rate(t), 2000 * 0.01);
    }
}
