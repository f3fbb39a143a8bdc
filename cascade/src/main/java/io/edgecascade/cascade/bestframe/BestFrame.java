package io.edgecascade.cascade.bestframe;

import io.edgecascade.cascade.api.Detection;
import java.util.List;
import java.util.Objects;

/**
 * One frame kept because it is the best sighting of one or more tracks: JPEG-encoded once, with what the detector
 * found in it. Several tracks whose best frame it is share this one object (and its bytes).
 *
 * @param capturedMillis when the frame was decoded (epoch ms)
 * @param jpeg           the frame, JPEG-encoded (treat as read-only)
 * @param detections     every detection of the frame
 * @param trackIds       per detection (same order): the id of its track
 */
public record BestFrame(String camera, long sequence, long ptsMillis, long capturedMillis, int width, int height,
        byte[] jpeg, List<Detection> detections, List<Long> trackIds) {

    public BestFrame {
        Objects.requireNonNull(camera, "camera");
        Objects.requireNonNull(jpeg, "jpeg");
        detections = List.copyOf(detections);
        trackIds = List.copyOf(trackIds);
    }

    /** The box {x1, y1, x2, y2} of track {@code trackId} in this frame, or null when the track is not in it. */
    public float[] box(long trackId) {
        int i = trackIds.indexOf(trackId);
        if (i < 0 || i >= detections.size()) {
            return null;
        }
        Detection d = detections.get(i);
        return new float[] {d.x1(), d.y1(), d.x2(), d.y2()};
    }

    /** Bytes held: the JPEG. */
    public int bytes() {
        return jpeg.length;
    }
}
