package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.motion.MotionGate;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Sees every decoded frame of a camera on its capture thread, after the motion gate decided on it (the live
 * view of the web page). The frame is the decoder's buffer: a tap that wants it copies it before returning, and
 * must cost next to nothing when it does not (nobody watching).
 */
public interface CaptureTap {

    /** A tap that takes nothing. */
    CaptureTap NONE = (camera, bgr, ptsMillis, decision, gate) -> {
    };

    /**
     * @param decision what the gate decided on this frame
     * @param gate     the camera's gate, for its debug image ({@link MotionGate#debugView})
     */
    void frame(CameraSettings camera, Mat bgr, long ptsMillis, MotionGate.Decision decision, MotionGate gate);
}
