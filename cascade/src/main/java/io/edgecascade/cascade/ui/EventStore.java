package io.edgecascade.cascade.ui;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.bestframe.BestFrame;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.bestframe.JpegCodec;
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
 * <p>Best frames are not kept here: they are the cameras' {@link BestFrames} (shared with the forwarder, encoded
 * once, within {@code events.best_frames_mb}); a snapshot is drawn from the kept JPEG when it is asked for. An
 * event whose frame was given up (or ended long ago) has no snapshot. The last {@value #MAX_EVENTS} events are
 * listed.
 */
public final class EventStore implements FrameSink {

    /** Pixels only for a frame that becomes some track's best frame (encoded into the shared store). */
    @Override
    public boolean needsPixels(PositiveFrame p) {
        return !p.tracks().bestOf().isEmpty();
    }

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

    /** An event's best frame and the track it is drawn for. */
    public record Snapshot(BestFrame frame, long trackId) {

        /** Rows a thumbnail has at least (the events list shows them 60 px high; twice that for sharp screens). */
        static final int THUMBNAIL_ROWS = 120;

        /** Names this picture: it changes when the event's best frame does. */
        public String tag() {
            return frame.camera() + "-" + frame.sequence() + "-" + frame.capturedMillis() + "-" + trackId;
        }

        /** The frame with the track's box drawn, as JPEG (decoded and encoded now). */
        public byte[] render() {
            return draw(1);
        }

        /**
         * A small copy for the events list: the frame decoded at 1/2, 1/4 or 1/8 of its size (libjpeg scales while it
         * decodes: a few milliseconds however large the frame), at least {@value #THUMBNAIL_ROWS} rows, box drawn.
         */
        public byte[] thumbnail() {
            int reduction = 1;
            while (reduction < 8 && frame.height() / (reduction * 2) >= THUMBNAIL_ROWS) {
                reduction *= 2;
            }
            return draw(reduction);
        }

        /**
         * Decodes the kept JPEG (at 1/{@code reduction}), draws the box and encodes the result. A full frame decoded
         * is 16 MB at 3072x1728, freed at once: the agent has the C library map such blocks on their own, so that
         * memory goes back to the system. The page draws one picture at a time, on a thread of its own.
         */
        private byte[] draw(int reduction) {
            try (Mat image = JpegCodec.decode(frame.jpeg(), reduction)) {
                float[] box = frame.box(trackId);
                if (box != null) {
                    Overlay.box(image, box, 1.0 / reduction, Math.max(reduction == 1 ? 2 : 1, image.cols() / 320));
                }
                return Jpeg.encode(image);
            }
        }
    }

    private static final class Entry {
        final String id;
        final String camera;
        final long trackId;
        final Instant start;
        TrackEvent last;

        Entry(TrackEvent e) {
            id = e.eventId();
            camera = e.camera();
            trackId = e.trackId();
            start = e.time();
            last = e;
        }
    }

    private final Map<String, Latest> latest = new ConcurrentHashMap<>();
    /** Per camera, what its use cases draw now. */
    private final Map<String, List<io.edgecascade.cascade.api.Drawing>> overlay = new ConcurrentHashMap<>();
    private final ZoneId zone;
    private final BestFrames frames;
    // guarded by this
    private final LinkedHashMap<String, Entry> events = new LinkedHashMap<>();
    private final Map<String, LocalDate> countDay = new HashMap<>();
    private final Map<String, Long> countToday = new HashMap<>();

    /**
     * @param zone   the time zone that says when "today" begins
     * @param frames the cameras' best frames, shared with the other sinks that need them
     */
    public EventStore(ZoneId zone, BestFrames frames) {
        this.zone = zone;
        this.frames = frames;
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
        frames.update(p);
        synchronized (this) {
            for (TrackEvent e : p.tracks().events()) {
                record(e);
            }
        }
    }

    private void record(TrackEvent e) {
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
    }

    private void countStart(String camera, Instant time) {
        LocalDate day = LocalDate.ofInstant(time, zone);
        if (!day.equals(countDay.get(camera))) {
            countDay.put(camera, day);
            countToday.put(camera, 0L);
        }
        countToday.merge(camera, 1L, Long::sum);
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

    /**
     * The event's best frame (so far, for an event still open), or null when the event is unknown or its frame is not
     * kept. Drawing it ({@link Snapshot#render()}) is left to the caller, who may not need to (its tag did not change).
     */
    public Snapshot snapshot(String eventId) {
        String camera;
        long trackId;
        synchronized (this) {
            Entry en = events.get(eventId);
            if (en == null) {
                return null;
            }
            camera = en.camera;
            trackId = en.trackId;
        }
        BestFrame f = frames.frame(camera, trackId);
        return f == null ? null : new Snapshot(f, trackId);
    }
}
