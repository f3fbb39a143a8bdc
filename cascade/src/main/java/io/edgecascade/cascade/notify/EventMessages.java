package io.edgecascade.cascade.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecascade.cascade.api.Boxes;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the event lines of each frame into the messages sinks send, shaped like Frigate's {@code frigate/events}
 * (the keys that mean the same carry Frigate's names, times are epoch seconds), so flows written for Frigate need only
 * a new prefix:
 *
 * <pre>
 * {"type": "new"|"update"|"end", "before": {...}, "after": {...}}
 * {"id", "camera", "frame_time", "label", "sub_label", "track_id", "model", "attributes", "score", "top_score", "box": [x1, y1, x2, y2],
 *  "area", "start_time", "end_time" (null while active), "current_zones", "entered_zones", "stationary", "active",
 *  "has_snapshot", "has_clip", "false_positive", "reason" (end only)}
 * </pre>
 *
 * This is the one place where an event becomes a message: a field added to events is added here once, for MQTT and
 * webhooks alike. It keeps, per live event, the last object sent (the next message's {@code before}), the zones
 * entered and whether the event has passed the sink's {@link SinkFilter}: the first message of an event that passes is
 * always a {@code new} (an event that passes only at its end gets a {@code new} and its {@code end}), and once passed
 * its updates and end follow. One instance per sink, used from the sink's thread only.
 */
public final class EventMessages {

    /** How a sink tells whether it holds a snapshot of an event's best frame. */
    @FunctionalInterface
    public interface Snapshots {
        Snapshots NONE = (camera, trackId) -> false;

        boolean has(String camera, long trackId);
    }

    static final ObjectMapper JSON = new ObjectMapper();
    /** An object whose box overlaps its box of this long ago by more than this is {@code stationary}. */
    private static final double STILL_IOU = 0.8;
    private static final long STATIONARY_AFTER_MS = 10_000;
    /** Live events kept at most (their ends always come; a bound all the same). */
    private static final int MAX_LIVE = 10_000;

    private static final class Live {
        final Set<String> entered = new LinkedHashSet<>();
        ObjectNode last;
        boolean told;
        float[] anchor;
        long anchorPtsMs;
    }

    private final SinkFilter filter;
    private final Map<String, Live> live = new LinkedHashMap<>();

    public EventMessages(SinkFilter filter) {
        this.filter = filter;
    }

    /** The messages of one frame's event lines, in order (none for lines the filter keeps out). */
    public List<EventMessage> of(PositiveFrame p, Snapshots snapshots) {
        List<TrackEvent> lines = p.tracks().events();
        if (lines.isEmpty()) {
            return List.of();
        }
        List<EventMessage> out = new ArrayList<>(lines.size());
        for (TrackEvent e : lines) {
            Live l = live.computeIfAbsent(e.eventId(), id -> new Live());
            l.entered.addAll(e.zones());
            ObjectNode after = object(e, l, currentScore(p, e), snapshots.has(e.camera(), e.trackId()));
            ObjectNode before = l.last == null ? after : l.last;
            l.last = after;
            boolean end = e.type() == TrackEvent.Type.END;
            if (end) {
                live.remove(e.eventId());
            }
            if (!filter.wants(e.camera(), e.label(), e.score(), l.entered)) {
                continue;
            }
            String type = switch (e.type()) {
                case START -> "new";
                case UPDATE -> "update";
                case END -> "end";
            };
            if (!l.told) {
                l.told = true;
                add(out, "new", e, before, after);
                if (!end) {
                    continue;
                }
            }
            if (!"new".equals(type)) {
                add(out, type, e, before, after);
            }
        }
        trim();
        return out;
    }

    private void add(List<EventMessage> out, String type, TrackEvent e, ObjectNode before, ObjectNode after) {
        if (!filter.sends(type)) {
            return;
        }
        ObjectNode m = JSON.createObjectNode();
        m.put("type", type);
        m.set("before", before);
        m.set("after", after);
        try {
            out.add(new EventMessage(type, e.eventId(), e.camera(), e.label(), e.trackId(), e.score(),
                    JSON.writeValueAsBytes(m), e.time().toEpochMilli()));
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException(ex); // an ObjectNode of strings and numbers always writes
        }
    }

    /** The object as it stands on this line. */
    private static ObjectNode object(TrackEvent e, Live l, double score, boolean hasSnapshot) {
        boolean end = e.type() == TrackEvent.Type.END;
        long frameMs = e.time().toEpochMilli();
        float[] box = e.box();
        if (l.anchor == null || Boxes.iou(l.anchor[0], l.anchor[1], l.anchor[2], l.anchor[3], box[0], box[1], box[2],
                box[3]) < STILL_IOU) {
            l.anchor = box;
            l.anchorPtsMs = e.ptsMs();
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("id", e.eventId());
        o.put("camera", e.camera());
        o.put("frame_time", seconds(frameMs));
        o.put("label", e.label());
        o.putNull("sub_label");
        o.put("track_id", e.trackId());
        o.put("model", e.model()); // the detect entry that tracks it (detect[].name)
        ArrayNode attributes = o.putArray("attributes"); // what detect[].after models said of it
        for (io.edgecascade.cascade.api.Attribute a : e.attributes()) {
            attributes.addObject().put("model", a.model()).put("label", a.label()).put("score", round(a.score()));
        }
        o.put("score", round(score));
        o.put("top_score", round(e.score()));
        ArrayNode b = o.putArray("box");
        for (float v : box) {
            b.add(Math.round(v));
        }
        o.put("area", Math.round(Math.max(0, box[2] - box[0]) * Math.max(0, box[3] - box[1])));
        o.put("start_time", seconds(frameMs - (e.ptsMs() - e.startPtsMs())));
        if (end) {
            o.put("end_time", seconds(frameMs - (e.ptsMs() - e.lastSeenPtsMs())));
        } else {
            o.putNull("end_time");
        }
        ArrayNode current = o.putArray("current_zones");
        if (!end) {
            e.zones().forEach(current::add);
        }
        ArrayNode entered = o.putArray("entered_zones");
        l.entered.forEach(entered::add);
        // the tracker's own verdict (detector.filters' stationary) where it has one, else the box's stillness here
        o.put("stationary", !end && (e.stationary() || e.ptsMs() - l.anchorPtsMs >= STATIONARY_AFTER_MS));
        o.put("active", !end);
        o.put("has_snapshot", hasSnapshot);
        o.put("has_clip", false);
        o.put("false_positive", false);
        if (end) {
            o.put("reason", e.reason().label());
        }
        return o;
    }

    /** The score of the object's detection on this frame; its best score when it was not detected on it. */
    private static double currentScore(PositiveFrame p, TrackEvent e) {
        List<Long> ids = p.tracks().trackIds();
        List<Detection> ds = p.detections();
        for (int i = 0; i < ids.size() && i < ds.size(); i++) {
            if (ids.get(i) == e.trackId() && ds.get(i).label().equals(e.label())) {
                return ds.get(i).score();
            }
        }
        return e.score();
    }

    private void trim() {
        for (Iterator<String> it = live.keySet().iterator(); live.size() > MAX_LIVE && it.hasNext();) {
            it.next();
            it.remove();
        }
    }

    private static double seconds(long epochMillis) {
        return epochMillis / 1000.0;
    }

    private static double round(double score) {
        return Math.round(score * 10_000) / 10_000.0;
    }
}
