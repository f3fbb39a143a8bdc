package io.edgecascade.cascade.api;

import java.util.List;

/**
 * A frame in which the detector found a configured class, with the metadata gathered on its way: what the
 * gate saw, what the detector found and what tracking made of it. The output stage closes the frame after every
 * sink has seen it.
 *
 * <p>A detected frame without detections also comes this way when tracking produced something in it (an event's
 * end, a discarded tentative track); so does, at the end of a run, one pixel-less frame per camera carrying the
 * end of every event still open. {@link #positive()} tells them apart.
 *
 * @param motion     null when the camera's gate is disabled
 * @param detections the detections of configured classes at or above the camera's confidence, best first
 * @param tracks     the detections' track ids and the event lines of this frame
 */
public record PositiveFrame(VideoFrame frame, MotionResult motion, List<Detection> detections, FrameTracks tracks) {
    public PositiveFrame {
        detections = List.copyOf(detections);
        java.util.Objects.requireNonNull(tracks, "tracks");
    }

    /** A frame with detections and no tracking information. */
    public PositiveFrame(VideoFrame frame, MotionResult motion, List<Detection> detections) {
        this(frame, motion, detections, FrameTracks.NONE);
    }

    /** True when the frame holds detections of the camera's classes. */
    public boolean positive() {
        return !detections.isEmpty();
    }
}
