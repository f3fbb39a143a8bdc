package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.motion.MotionGate;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Sees every decoded frame of a camera on its capture thread, after the motion gate decided on it (the live
 * view of the web page). The frame is the decoder's buffer: a tap that wants it copies it before returning, and
 * must cost next to nothing when it does not (nobody watching): the BGR pixels are made on the first
 * {@code bgr.get()} (live cameras decode to luma and convert only what someone needs), so a tap asks for them only
 * when it takes the frame.
 */
public interface CaptureTap {

    /** A tap that takes nothing. */
    CaptureTap NONE = (camera, bgr, ptsMillis, decision, gate) -> {
    };

    /**
     * @param decision what the gate decided on this frame
     * @param gate     the camera's gate, for its debug image ({@link MotionGate#debugView})
     */
    void frame(CameraSettings camera, java.util.function.Supplier<Mat> bgr, long ptsMillis,
            MotionGate.Decision decision, MotionGate gate);
}
