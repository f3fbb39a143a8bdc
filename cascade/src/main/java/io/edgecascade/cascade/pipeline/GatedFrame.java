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
 * @param entries the detect entries due on this frame (their cadence says so), those that find boxes first
 * @param newMotion the motion regions to look at alone (the tracked objects are not due for a look: their regions are
 *                  left out); null for a full look
 */
public record GatedFrame(CameraSettings camera, VideoFrame frame, MotionResult motion, long ticket, boolean mayDrop,
        boolean offline, java.util.List<DetectEntry> entries, java.util.List<MotionResult.Region> newMotion) {

    public GatedFrame {
        entries = java.util.List.copyOf(entries);
        newMotion = newMotion == null ? null : java.util.List.copyOf(newMotion);
    }

    /** A look at the new motion alone (the tracked objects are not due). */
    public boolean newMotionOnly() {
        return newMotion != null;
    }

    /** A frame to look at whole (its motion and the tracked objects). */
    public GatedFrame(CameraSettings camera, VideoFrame frame, MotionResult motion, long ticket, boolean mayDrop,
            boolean offline, java.util.List<DetectEntry> entries) {
        this(camera, frame, motion, ticket, mayDrop, offline, entries, null);
    }

    /** A frame to detect with every entry that finds boxes, or a marker. */
    public GatedFrame(CameraSettings camera, VideoFrame frame, MotionResult motion, long ticket, boolean mayDrop,
            boolean offline) {
        this(camera, frame, motion, ticket, mayDrop, offline, camera.analytics().primaries());
    }

    /** A frame to detect with every entry that finds boxes. */
    public GatedFrame(CameraSettings camera, VideoFrame frame, MotionResult motion, long ticket, boolean mayDrop) {
        this(camera, frame, motion, ticket, mayDrop, false);
    }
}
