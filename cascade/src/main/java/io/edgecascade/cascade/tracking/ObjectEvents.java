package io.edgecascade.cascade.tracking;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.motion.GateHold;
import io.edgecascade.cascade.motion.Zone;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one camera's detections into events: a {@link Tracker} follows the objects, and each confirmed track
 * becomes an event with a {@code start} (when confirmed, {@code min_hits}), {@code update}s (when its best score
 * or its zones change, else at most every {@code update_interval}) and an {@code end} with its reason (not seen for
 * {@code max_age}: {@code lost}; the camera offline, its file ended or the run stopped: {@link #finish}).
 *
 * <p>Called with each detected frame of the camera in capture order (positive or not, so tracks age) and read by
 * the camera's capture thread (as its {@link GateHold}) to keep looking while objects are tracked, even when they
 * stop moving, and to take a second look at once at an object seen for the first time. When the frame size changes
 * (a camera reconfigured), pixel zones that no longer fit are left out with one warning; fractional zones scale.
 * Thread-safe.
 */
public final class ObjectEvents implements GateHold {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ObjectEvents.class);

    /** Event state of one track. */
    private static final class State {
        String eventId;
        float bestScore = -1;
        long bestFrame = -1;
        long lastLineMs;
        Set<String> zonesNow = Set.of();
        final Set<String> zonesEntered = new LinkedHashSet<>();
    }

    /** The frame a line describes when it has no frame of its own (the end of the stream). */
    private record FrameRef(long sequence, long ptsMs, Instant time) {
    }

    private final String camera;
    private final TrackingSettings settings;
    private final List<Zone> zones;
    private final Tracker tracker;
    private final Map<Long, State> states = new HashMap<>();
    private volatile boolean active;
    private volatile boolean confirming;
    private volatile List<float[]> boxes = List.of();
    private FrameRef lastFrame;
    /** The zones that fit the frames now; rechecked when the frame size changes. */
    private List<Zone> fitting;
    private int checkedWidth = -1;
    private int checkedHeight = -1;
    private long started;

    public ObjectEvents(String camera, TrackingSettings settings, List<Zone> zones) {
        this.camera = camera;
        this.settings = settings;
        this.zones = List.copyOf(zones);
        this.fitting = this.zones;
        this.tracker = new Tracker(settings);
    }

    /**
     * Feeds a detected frame's detections (of the camera's classes); returns the track of each detection and the
     * event lines the frame produced.
     */
    public synchronized FrameTracks onFrame(VideoFrame frame, List<Detection> detections) {
        if (frame.width() != checkedWidth || frame.height() != checkedHeight) {
            checkZones(frame.width(), frame.height());
        }
        FrameRef ref = new FrameRef(frame.sequence(), frame.ptsMillis(), frame.captured());
        if (lastFrame == null || ref.ptsMs() >= lastFrame.ptsMs()) {
            lastFrame = ref;
        }
        Tracker.Update u = tracker.update(frame.ptsMillis(), detections);
        List<Long> ids = new ArrayList<>();
        List<TrackEvent> events = new ArrayList<>();
        List<Long> bestOf = new ArrayList<>();
        List<Long> discarded = new ArrayList<>();
        for (int i = 0; i < detections.size(); i++) {
            Detection d = detections.get(i);
            Track t = u.matched().get(i);
            ids.add(t.id());
            State s = states.computeIfAbsent(t.id(), k -> new State());
            boolean better = d.score() > s.bestScore;
            if (better) {
                s.bestScore = d.score();
                s.bestFrame = frame.sequence();
                bestOf.add(t.id());
            }
            Set<String> inside = zonesOf(d, frame.width(), frame.height());
            boolean zonesChanged = !inside.equals(s.zonesNow);
            s.zonesNow = inside;
            if (!t.confirmed()) {
                continue;
            }
            s.zonesEntered.addAll(inside);
            if (s.eventId == null) {
                s.eventId = camera + "-" + t.id() + "-" + frame.captured().toEpochMilli();
                started++;
                events.add(event(TrackEvent.Type.START, t, s, ref, List.copyOf(inside)));
                s.lastLineMs = frame.ptsMillis();
            } else if (better || zonesChanged || frame.ptsMillis() - s.lastLineMs >= settings.updateIntervalMs()) {
                events.add(event(TrackEvent.Type.UPDATE, t, s, ref, List.copyOf(inside)));
                s.lastLineMs = frame.ptsMillis();
            }
        }
        for (Track t : u.removed()) {
            end(t, ref, events, discarded, TrackEvent.EndReason.LOST);
        }
        publish();
        return new FrameTracks(ids, events, bestOf, discarded);
    }

    /**
     * The zones that fit a {@code width x height} frame: a pixel zone outside it is left out with one warning (the
     * first frames, or a camera that came back at another resolution); fractional zones always fit.
     */
    private void checkZones(int width, int height) {
        boolean first = checkedWidth < 0;
        checkedWidth = width;
        checkedHeight = height;
        List<Zone> ok = new ArrayList<>();
        for (Zone z : zones) {
            String problem = z.polygon().problemFor(width, height);
            if (problem == null) {
                ok.add(z);
            } else {
                LOG.warn("camera {}: zone {}: {}{}; no object will be in it while the frames are this size", camera,
                        z.name(), problem, first ? "" : " (the camera's resolution changed)");
            }
        }
        fitting = List.copyOf(ok);
    }

    /**
     * Ends every track (its file ended, the run stopped, or its live camera has been offline for
     * {@code max_age_s}); the lines describe the last frame seen and carry {@code reason}.
     */
    public synchronized FrameTracks finish(TrackEvent.EndReason reason) {
        List<TrackEvent> events = new ArrayList<>();
        List<Long> discarded = new ArrayList<>();
        for (Track t : tracker.removeAll()) {
            end(t, lastFrame == null ? new FrameRef(-1, 0, Instant.now()) : lastFrame, events, discarded, reason);
        }
        publish();
        return new FrameTracks(List.of(), events, List.of(), discarded);
    }

    /** True while any object is tracked (tentative or confirmed). */
    public synchronized boolean tracking() {
        return !tracker.tracks().isEmpty();
    }

    private void end(Track t, FrameRef ref, List<TrackEvent> events, List<Long> discarded,
            TrackEvent.EndReason reason) {
        State s = states.remove(t.id());
        if (s == null || s.eventId == null) {
            discarded.add(t.id());
            return;
        }
        events.add(event(TrackEvent.Type.END, t, s, ref, List.copyOf(s.zonesEntered), reason));
    }

    private TrackEvent event(TrackEvent.Type type, Track t, State s, FrameRef ref, List<String> zoneList) {
        return event(type, t, s, ref, zoneList, null);
    }

    private TrackEvent event(TrackEvent.Type type, Track t, State s, FrameRef ref, List<String> zoneList,
            TrackEvent.EndReason reason) {
        Detection d = t.lastDetection();
        return new TrackEvent(s.eventId, type, camera, ref.sequence(), ref.ptsMs(), ref.time(), t.label(), t.id(),
                s.bestScore, new float[] {d.x1(), d.y1(), d.x2(), d.y2()}, zoneList, t.firstSeenMs(),
                t.lastSeenMs(), s.bestFrame, reason);
    }

    private Set<String> zonesOf(Detection d, int width, int height) {
        if (fitting.isEmpty()) {
            return Set.of();
        }
        Set<String> in = new LinkedHashSet<>();
        for (Zone z : fitting) {
            if (z.holds(d.x1(), d.y1(), d.x2(), d.y2(), width, height)) {
                in.add(z.name());
            }
        }
        return in;
    }

    private void publish() {
        List<float[]> b = new ArrayList<>();
        for (Track t : tracker.tracks()) {
            b.add(t.box());
        }
        boxes = List.copyOf(b);
        active = !b.isEmpty();
        confirming = tracker.tracks().stream().anyMatch(t -> !t.confirmed());
    }

    /** True while any object is tracked: the gate keeps sending frames so a still object is not lost. */
    @Override
    public boolean holdOpen() {
        return active;
    }

    /** True while an object seen once waits for its confirming second look. */
    @Override
    public boolean hurry() {
        return confirming;
    }

    /** The tracked objects' boxes {x1, y1, x2, y2} as of the last detected frame (regions to keep looking at). */
    public List<float[]> boxes() {
        return boxes;
    }

    /** Events started so far. */
    public synchronized long started() {
        return started;
    }

    public String camera() {
        return camera;
    }
}
