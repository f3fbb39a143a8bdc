package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.MotionResult;
import io.edgecascade.cascade.api.VideoFrame;

/**
 * A frame the motion gate let through, on its way to the detector, with the camera it belongs to.
 *
 * @param motion  null when the camera's gate is disabled
 * @param ticket  its place in the camera's order ({@link CameraOrder})
 * @param mayDrop the camera never waits (a live camera, a file at real time): a full sink queue may skip this frame
 * @param offline a pixel-less marker rather than a frame: the live camera has delivered nothing for
 *                {@code tracking.max_age_s}, its open events end in order
 */
public record GatedFrame(CameraSettings camera, VideoFrame frame, MotionResult motion, long ticket, boolean mayDrop,
        boolean offline) {

    /** A frame to detect. */
    public GatedFrame(CameraSettings camera, VideoFrame frame, MotionResult motion, long ticket, boolean mayDrop) {
        this(camera, frame, motion, ticket, mayDrop, false);
    }
}
