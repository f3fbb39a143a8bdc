package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.detect.Detection;
import io.edgecascade.cascade.motion.MotionResult;
import io.edgecascade.cascade.source.VideoFrame;
import java.util.List;

/**
 * A frame in which the detector found a configured class, with the metadata gathered on its way: what the
 * gate saw and what the detector found. The output stage closes the frame after every sink has seen it.
 *
 * @param motion     null when the camera's gate is disabled
 * @param detections the detections of configured classes at or above the camera's confidence, best first
 */
public record PositiveFrame(VideoFrame frame, MotionResult motion, List<Detection> detections) {
    public PositiveFrame {
        detections = List.copyOf(detections);
    }
}
