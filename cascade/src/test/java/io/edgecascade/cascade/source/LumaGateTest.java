package io.edgecascade.cascade.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.MotionResult;
import io.edgecascade.cascade.motion.MotionGate;
import io.edgecascade.cascade.motion.MotionSettings;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * The live path gates on the decoder's luma plane and converts to BGR only on demand: the gate must decide as it
 * does on BGR, on the sample video, and a new frame size must reset the gate, not break it.
 */
class LumaGateTest {

    @Test
    void lumaGateDecidesLikeTheBgrGate() throws Exception {
        SourceUri uri = SourceUri.parse(TestAssets.personVideo().toString());
        int frames = 0;
        int onLuma = 0;
        int onBgr = 0;
        int disagree = 0;
        try (InterruptibleFfmpegSource s = new InterruptibleFfmpegSource(uri, StreamOptions.DEFAULTS, null);
                MotionGate lumaGate = MotionGate.create(MotionSettings.DEFAULTS);
                MotionGate bgrGate = MotionGate.create(MotionSettings.DEFAULTS)) {
            s.open();
            FrameSource.Frame f;
            while ((f = s.grab()) != null && frames < 400) {
                assertNotNull(f.luma(), "h264 yuv420p has a luma plane");
                assertEquals(1, f.luma().channels());
                boolean a = lumaGate.decide(f.luma(), f.limitedRange(), f.ptsMillis()).passes();
                Mat bgr = f.image();
                assertEquals(3, bgr.channels());
                assertEquals(f.luma().cols(), bgr.cols());
                boolean b = bgrGate.decide(bgr, f.ptsMillis()).passes();
                onLuma += a ? 1 : 0;
                onBgr += b ? 1 : 0;
                disagree += a != b ? 1 : 0;
                frames++;
            }
        }
        assertEquals(400, frames);
        assertTrue(onBgr > 10, "the sample's walk-throughs pass the gate: " + onBgr);
        assertTrue(Math.abs(onLuma - onBgr) <= Math.max(2, onBgr / 10) && disagree <= Math.max(4, onBgr / 5),
                "luma passed " + onLuma + ", BGR " + onBgr + ", different decisions on " + disagree + " frames");
    }

    @Test
    void aNewFrameSizeResetsTheBackground() {
        try (MotionGate gate = MotionGate.create(MotionSettings.DEFAULTS);
                Mat small = new Mat(432, 768, org.bytedeco.opencv.global.opencv_core.CV_8UC1,
                        new org.bytedeco.opencv.opencv_core.Scalar(80));
                Mat large = new Mat(1080, 1920, org.bytedeco.opencv.global.opencv_core.CV_8UC1,
                        new org.bytedeco.opencv.opencv_core.Scalar(200))) {
            gate.decide(small, true, 0);
            gate.decide(small, true, 100);
            MotionGate.Decision d = gate.decide(large, true, 200); // the camera came back at 1080p
            assertEquals(MotionResult.NONE, d.motion(), "a fresh background, not a difference of two sizes");
            assertEquals(MotionGate.Verdict.STILL, gate.decide(large, true, 300).verdict());
        }
    }
}
