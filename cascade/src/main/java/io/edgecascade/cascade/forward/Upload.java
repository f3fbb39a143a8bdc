package io.edgecascade.cascade.forward;

import io.edgecascade.cascade.api.Detection;
import java.util.List;
import java.util.Objects;

/**
 * One distinct frame for the cloud, already JPEG-encoded (an event's best frame, kept encoded), with everything it
 * stands for: its detections, the track of each, and the events it is sent for. However many tracks start or end on
 * one frame, the frame is one upload and one request id.
 *
 * @param trackIds per detection (same order): the id of its track, or -1 when untracked
 * @param eventIds the events this frame is sent for (their start or end); may be empty
 */
public record Upload(String camera, long sequence, long ptsMillis, long capturedMillis, int width, int height,
        byte[] jpeg, List<Detection> detections, List<Long> trackIds, List<String> eventIds) {

    public Upload {
        Objects.requireNonNull(camera, "camera");
        Objects.requireNonNull(jpeg, "jpeg");
        detections = List.copyOf(detections);
        trackIds = List.copyOf(trackIds);
        eventIds = List.copyOf(eventIds);
        if (!trackIds.isEmpty() && trackIds.size() != detections.size()) {
            throw new IllegalArgumentException("trackIds must have one id per detection");
        }
    }

    /** The request id of this frame: the same for every upload of it, different for every other frame. */
    public String id() {
        return ForwardItem.idOf(camera, sequence, ptsMillis, capturedMillis);
    }
}
