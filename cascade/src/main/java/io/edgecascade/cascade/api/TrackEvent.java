package io.edgecascade.cascade.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One line of the events file: the start, an update or the end of an event (the life of one tracked object).
 *
 * @param eventId     unique id of the event: camera, track id and start time
 * @param type        start, update or end
 * @param camera      camera id
 * @param frame       index of the frame the line describes
 * @param ptsMs       that frame's presentation time
 * @param time        when that frame was decoded
 * @param label       the object's class
 * @param trackId     the tracker's id of the object (per camera)
 * @param score       the best detection score of the event so far
 * @param box         the object's last detected box {x1, y1, x2, y2} in frame pixels
 * @param zones       start/update: the zones the object is in now; end: every zone it entered
 * @param startPtsMs  when the object was first seen
 * @param lastSeenPtsMs when the object was last seen
 * @param bestFrame   index of the frame with the best score
 */
public record TrackEvent(String eventId, Type type, String camera, long frame, long ptsMs, Instant time, String label,
        long trackId, float score, float[] box, List<String> zones, long startPtsMs, long lastSeenPtsMs,
        long bestFrame) {

    /** What happened. */
    public enum Type {
        START, UPDATE, END;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public TrackEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        box = box.clone();
        zones = List.copyOf(zones);
    }

    /** How long the object has been followed, first to last sighting. */
    public long durationMs() {
        return lastSeenPtsMs - startPtsMs;
    }
}
