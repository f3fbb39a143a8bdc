package io.edgecascade.cascade.ui;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What the page shows of the detector's work, fed on the output thread like the event log: each camera's latest
 * detections (drawn on the live view), the recent events, and each event's best frame.
 *
 * <p>A live track's best frame is kept as a copy (one per tracked object, as the forwarder does); when its event
 * ends it is encoded once, with the box drawn, and the copy is freed. The last {@value #MAX_EVENTS} events are
 * kept.
 */
public final class EventStore implements FrameSink {

    static final int MAX_EVENTS = 200;

    /** A camera's latest positive frame's detections, with their track ids. */
    record Latest(long ptsMillis, List<Detection> detections, List<Long> trackIds) {
    }

    /**
     * One event as the page lists it.
     *
     * @param model      the detect entry that follows the object
     * @param attributes what secondary models said about it
     * @param stationary its box has not moved for {@code stationary.seconds}
     * @param alert      it entered a required zone (or the camera has none)
     */
    public record Event(String id, String camera, String label, long trackId, Instant start, long durationMs,
            float score, float[] box, List<String> zones, boolean ended, String model,
            List<io.edgecascade.cascade.api.Attribute> attributes, boolean stationary, boolean alert) {
    }

    private static final class Entry {
        final String id;
        final String camera;
        final long trackId;
        final Instant start;
        TrackEvent last;
        byte[] snapshot;

        Entry(TrackEvent e) {
            id = e.eventId();
            camera = e.camera();
            trackId = e.trackId();
            start = e.time();
            last = e;
        }
    }

    /** A copy of a live track's best frame and the box in it. */
    private record Kept(Mat image, float[] box) {
    }

    private final Map<String, Latest> latest = new ConcurrentHashMap<>();
    /** Per camera, what its use cases draw now. */
    private final Map<String, List<io.edgecascade.cascade.api.Drawing>> overlay = new ConcurrentHashMap<>();
    private final ZoneId zone;
    // guarded by this
    private final LinkedHashMap<String, Entry> events = new LinkedHashMap<>();
    private final Map<String, Map<Long, Kept>> kept = new HashMap<>();
    private final Map<String, LocalDate> countDay = new HashMap<>();
    private final Map<String, Long> countToday = new HashMap<>();

    /** @param zone the time zone that says when "today" begins */
    public EventStore(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public void accept(PositiveFrame p) {
        String camera = p.frame().camera();
        if (p.positive()) {
            latest.put(camera, new Latest(p.frame().ptsMillis(), p.detections(), p.tracks().trackIds()));
        }
        if (!p.tracks().overlay().isEmpty() || overlay.containsKey(camera)) {
            overlay.put(camera, p.tracks().overlay());
        }
        synchronized (this) {
            Map<Long, Kept> tracks = kept.computeIfAbsent(camera, c -> new HashMap<>());
            for (Long id : p.tracks().bestOf()) {
                int i = p.tracks().trackIds().indexOf(id);
                if (i < 0 || p.frame().image().empty()) {
                    continue;
                }
                Detection d = p.detections().get(i);
                Kept old = tracks.put(id, new Kept(p.frame().image().clone(), new float[] {d.x1(), d.y1(), d.x2(),
                        d.y2()}));
                if (old != null) {
                    old.image().close();
                }
            }
            for (TrackEvent e : p.tracks().events()) {
                record(e, tracks);
            }
            for (Long id : p.tracks().discarded()) {
                Kept k = tracks.remove(id);
                if (k != null) {
                    k.image().close();
                }
            }
        }
    }

    private void record(TrackEvent e, Map<Long, Kept> tracks) {
        Entry entry = events.get(e.eventId());
        if (entry == null) {
            entry = new Entry(e);
            events.put(e.eventId(), entry);
            countStart(e.camera(), e.time());
            if (events.size() > MAX_EVENTS) {
                Iterator<String> it = events.keySet().iterator();
                it.next();
                it.remove();
            }
        }
        entry.last = e;
        if (e.type() == TrackEvent.Type.END) {
            Kept k = tracks.remove(e.trackId());
            if (k != null) {
                try {
                    entry.snapshot = snapshot(k);
                } finally {
                    k.image().close();
                }
            }
        }
    }

    private void countStart(String camera, Instant time) {
        LocalDate day = LocalDate.ofInstant(time, zone);
        if (!day.equals(countDay.get(camera))) {
            countDay.put(camera, day);
            countToday.put(camera, 0L);
        }
        countToday.merge(camera, 1L, Long::sum);
    }

    private static byte[] snapshot(Kept k) {
        try (Mat copy = k.image().clone()) {
            Overlay.box(copy, k.box(), 1.0, Math.max(2, copy.cols() / 320));
            return Jpeg.encode(copy);
        }
    }

    /** A camera's latest detections, or null. */
    Latest latest(String camera) {
        return latest.get(camera);
    }

    /** What a camera's use cases draw now (empty when none). */
    List<io.edgecascade.cascade.api.Drawing> overlay(String camera) {
        return overlay.getOrDefault(camera, List.of());
    }

    /** Events started on {@code camera} today (in this store's time zone). */
    public synchronized long eventsToday(String camera, Instant now) {
        LocalDate day = countDay.get(camera);
        return day != null && day.equals(LocalDate.ofInstant(now, zone)) ? countToday.getOrDefault(camera, 0L) : 0;
    }

    /** The kept events, newest first. */
    public synchronized List<Event> events() {
        List<Event> out = new ArrayList<>(events.size());
        for (Entry en : events.values()) {
            TrackEvent e = en.last;
            out.add(new Event(en.id, en.camera, e.label(), en.trackId, en.start, e.durationMs(), e.score(), e.box(),
                    e.zones(), e.type() == TrackEvent.Type.END, e.model(), e.attributes(), e.stationary(),
                    e.alert()));
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** The event's best frame with its box (so far, for an event still open), or null when there is none. */
    public synchronized byte[] snapshot(String eventId) {
        Entry en = events.get(eventId);
        if (en == null) {
            return null;
        }
        if (en.snapshot != null) {
            return en.snapshot;
        }
        Kept k = kept.getOrDefault(en.camera, Map.of()).get(en.trackId);
        return k == null ? null : snapshot(k);
    }

    @Override
    public synchronized void close() {
        for (Map<Long, Kept> tracks : kept.values()) {
            tracks.values().forEach(k -> k.image().close());
        }
        kept.clear();
    }
}
