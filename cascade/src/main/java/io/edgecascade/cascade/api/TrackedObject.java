package io.edgecascade.cascade.api;

import java.util.List;
import java.util.Objects;

/**
 * One object the camera follows, as it stands after a detected frame: what use cases look at (is it across a line, in
 * a zone, how long). Only confirmed tracks (those with an event) are listed.
 *
 * @param trackId     the tracker's id (unique per camera)
 * @param eventId     the id of its event
 * @param model       the detect entry that follows it
 * @param label       its class
 * @param box         its last detected box {x1, y1, x2, y2} in frame pixels
 * @param zones       the zones its box's bottom centre stands in now
 * @param firstSeenPtsMs when it was first seen (stream time)
 * @param lastSeenPtsMs  when it was last detected: equal to the frame's {@code pts_ms} when this frame saw it
 * @param stationary  its box has not moved for {@code stationary.seconds}
 * @param attributes  what secondary models said about it
 */
public record TrackedObject(long trackId, String eventId, String model, String label, float[] box,
        List<String> zones, long firstSeenPtsMs, long lastSeenPtsMs, boolean stationary, List<Attribute> attributes) {

    public TrackedObject {
        Objects.requireNonNull(eventId, "eventId");
        box = box.clone();
        zones = List.copyOf(zones);
        attributes = List.copyOf(attributes);
    }

    /** The box, a copy. */
    @Override
    public float[] box() {
        return box.clone();
    }

    /** Where it stands: the bottom centre of its box {x, y} (frame pixels), the point zones and lines use. */
    public double[] foot() {
        return new double[] {(box[0] + box[2]) / 2.0, box[3]};
    }

    /** Whether the frame at {@code ptsMs} detected it (rather than it being remembered from an earlier frame). */
    public boolean seenAt(long ptsMs) {
        return lastSeenPtsMs == ptsMs;
    }
}
