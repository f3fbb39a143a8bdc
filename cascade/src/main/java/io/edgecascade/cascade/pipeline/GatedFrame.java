package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.MotionResult;
import io.edgecascade.cascade.api.VideoFrame;

/**
 * A frame the motion gate let through, on its way to the detector, with the camera it belongs to.
 *
 * @param motion null when the camera's gate is disabled
 */
public record GatedFrame(CameraSettings camera, VideoFrame frame, MotionResult motion) {
}
