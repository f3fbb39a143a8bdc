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
 * @param reason      why an {@code end} ended the event; null for start and update lines
 * @param model       the detect entry whose track this is ({@code detect[].name})
 * @param attributes  what secondary models ({@code detect[].after}) said about the object, best answer of each
 * @param stationary  the object's box has not moved for {@code stationary.seconds}: it is looked at less often
 * @param alert       the object entered one of the camera's {@code required_zones} (always true without them): the
 *                    event counts as an alert for the sinks that send only alerts
 */
public record TrackEvent(String eventId, Type type, String camera, long frame, long ptsMs, Instant time, String label,
        long trackId, float score, float[] box, List<String> zones, long startPtsMs, long lastSeenPtsMs,
        long bestFrame, EndReason reason, String model, List<Attribute> attributes, boolean stationary,
        boolean alert) {

    /** The entry name of events made without several models (a cascade built in code with one detector). */
    public static final String DEFAULT_MODEL = "default";

    /** What happened. */
    public enum Type {
        START, UPDATE, END;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Why an event ended: {@code lost} (not seen for {@code tracking.max_age_s}), {@code camera_offline} (its live
     * camera delivered no frame for that long), {@code stream_end} (its file ended), {@code shutdown} (the run was
     * stopped).
     */
    public enum EndReason {
        LOST, CAMERA_OFFLINE, STREAM_END, SHUTDOWN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public TrackEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        box = box.clone();
        zones = List.copyOf(zones);
        Objects.requireNonNull(model, "model");
        attributes = List.copyOf(attributes);
        if ((type == Type.END) != (reason != null)) {
            throw new IllegalArgumentException("an end line has a reason, other lines none: " + type + " " + reason);
        }
    }

    /** A line of the {@link #DEFAULT_MODEL} entry, without attributes, moving, an alert. */
    public TrackEvent(String eventId, Type type, String camera, long frame, long ptsMs, Instant time, String label,
            long trackId, float score, float[] box, List<String> zones, long startPtsMs, long lastSeenPtsMs,
            long bestFrame, EndReason reason) {
        this(eventId, type, camera, frame, ptsMs, time, label, trackId, score, box, zones, startPtsMs, lastSeenPtsMs,
                bestFrame, reason, DEFAULT_MODEL, List.of(), false, true);
    }

    /** A start or update line (no end reason). */
    public TrackEvent(String eventId, Type type, String camera, long frame, long ptsMs, Instant time, String label,
            long trackId, float score, float[] box, List<String> zones, long startPtsMs, long lastSeenPtsMs,
            long bestFrame) {
        this(eventId, type, camera, frame, ptsMs, time, label, trackId, score, box, zones, startPtsMs, lastSeenPtsMs,
                bestFrame, type == Type.END ? EndReason.LOST : null);
    }

    /** The box, a copy. */
    @Override
    public float[] box() {
        return box.clone();
    }

    /** How long the object has been followed, first to last sighting. */
    public long durationMs() {
        return lastSeenPtsMs - startPtsMs;
    }
}
