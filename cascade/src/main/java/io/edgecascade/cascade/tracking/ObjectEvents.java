package io.edgecascade.cascade.tracking;

import io.edgecascade.cascade.api.Attribute;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.TrackedObject;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.motion.GateHold;
import io.edgecascade.cascade.motion.KnownObject;
import io.edgecascade.cascade.motion.Zone;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Turns the detections of one detect entry of one camera into events: a {@link Tracker} follows the objects, and each
 * confirmed track becomes an event with a {@code start} (when confirmed, {@code min_hits}), {@code update}s (when its
 * best score, its zones, its attributes or its being stationary change, else at most every {@code update_interval})
 * and an {@code end} with its reason (not seen for {@code max_age}: {@code lost}; the camera offline, its file ended
 * or the run stopped: {@link #finish}). Every line names the entry ({@code model}); an object that entered one of the
 * camera's {@code required_zones} makes its event an alert (without required zones every event is one).
 *
 * <p>Called with each frame the entry ran on, in capture order (positive or not, so tracks age) and read by the
 * camera's capture thread (as its {@link GateHold}) to keep looking while objects are tracked, even when they stop
 * moving (every {@code stationary.interval} once all of them are stationary), and to take a second look at once at an
 * object seen for the first time. When the frame size changes (a camera reconfigured), pixel zones that no longer fit
 * are left out with one warning; fractional zones scale. Thread-safe.
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
        /** Per secondary entry, its best answer so far. */
        final Map<String, Attribute> attributes = new TreeMap<>();
        boolean stationary;
    }

    /** The frame a line describes when it has no frame of its own (the end of the stream). */
    private record FrameRef(long sequence, long ptsMs, Instant time) {
    }

    private final String camera;
    private final String model;
    private final TrackingSettings settings;
    private final StationarySettings stationary;
    private final Set<String> requiredZones;
    private final List<Zone> zones;
    private final Tracker tracker;
    private final Map<Long, State> states = new HashMap<>();
    private volatile boolean active;
    private volatile boolean confirming;
    private volatile long heldIntervalMs = -1;
    private volatile List<float[]> boxes = List.of();
    private volatile List<KnownObject> known = List.of();
    private FrameRef lastFrame;
    /** The zones that fit the frames now; rechecked when the frame size changes. */
    private List<Zone> fitting;
    private int checkedWidth = -1;
    private int checkedHeight = -1;
    private long started;

    /** The events of a camera with one detector ({@link TrackEvent#DEFAULT_MODEL}), no stationary objects. */
    public ObjectEvents(String camera, TrackingSettings settings, List<Zone> zones) {
        this(camera, TrackEvent.DEFAULT_MODEL, settings, zones, StationarySettings.OFF, Set.of(),
                new AtomicLong()::incrementAndGet);
    }

    /**
     * @param model         the detect entry whose detections these are (named in every line)
     * @param requiredZones an event is an alert only once its object entered one of these (empty: always)
     * @param ids           the camera's track ids, shared by its entries
     */
    public ObjectEvents(String camera, String model, TrackingSettings settings, List<Zone> zones,
            StationarySettings stationary, Set<String> requiredZones, LongSupplier ids) {
        this.camera = camera;
        this.model = model;
        this.settings = settings;
        this.stationary = stationary;
        this.requiredZones = Set.copyOf(requiredZones);
        this.zones = List.copyOf(zones);
        this.fitting = this.zones;
        this.tracker = new Tracker(settings, stationary, ids);
    }

    /**
     * Feeds a detected frame's detections (of the entry's classes); returns the track of each detection and the
     * event lines the frame produced.
     */
    public FrameTracks onFrame(VideoFrame frame, List<Detection> detections) {
        return onFrame(frame, EntryResult.of(detections));
    }

    /** Like {@link #onFrame(VideoFrame, List)}, with what secondary entries said about each detection. */
    public synchronized FrameTracks onFrame(VideoFrame frame, EntryResult found) {
        List<Detection> detections = found.detections();
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
            boolean learnt = learn(s, found.attributes().get(i));
            boolean standingChanged = t.stationary() != s.stationary;
            s.stationary = t.stationary();
            if (!t.confirmed()) {
                continue;
            }
            s.zonesEntered.addAll(inside);
            if (s.eventId == null) {
                s.eventId = camera + "-" + t.id() + "-" + frame.captured().toEpochMilli();
                started++;
                events.add(event(TrackEvent.Type.START, t, s, ref, List.copyOf(inside), null));
                s.lastLineMs = frame.ptsMillis();
            } else if (better || zonesChanged || learnt || standingChanged
                    || frame.ptsMillis() - s.lastLineMs >= settings.updateIntervalMs()) {
                events.add(event(TrackEvent.Type.UPDATE, t, s, ref, List.copyOf(inside), null));
                s.lastLineMs = frame.ptsMillis();
            }
        }
        for (Track t : u.removed()) {
            end(t, ref, events, discarded, TrackEvent.EndReason.LOST);
        }
        publish();
        return new FrameTracks(ids, events, bestOf, discarded, objects(), List.of(), List.of());
    }

    /** Keeps each secondary entry's best answer; true when what the track is said to be changed. */
    private static boolean learn(State s, List<Attribute> answers) {
        boolean changed = false;
        for (Attribute a : answers) {
            Attribute best = s.attributes.get(a.model());
            if (best == null || a.score() > best.score()) {
                s.attributes.put(a.model(), a);
                changed |= best == null || !best.label().equals(a.label());
            }
        }
        return changed;
    }

    /** Every confirmed track as it stands now. */
    private List<TrackedObject> objects() {
        List<TrackedObject> out = new ArrayList<>();
        for (Track t : tracker.tracks()) {
            State s = states.get(t.id());
            if (s == null || s.eventId == null) {
                continue;
            }
            Detection d = t.lastDetection();
            out.add(new TrackedObject(t.id(), s.eventId, model, t.label(), new float[] {d.x1(), d.y1(), d.x2(),
                    d.y2()}, List.copyOf(s.zonesNow), t.firstSeenMs(), t.lastSeenMs(), t.stationary(),
                    List.copyOf(s.attributes.values())));
        }
        return out;
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

    /** Every confirmed track as it stands now (for use cases of a frame this entry did not run on). */
    public synchronized List<TrackedObject> confirmed() {
        return objects();
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

    private TrackEvent event(TrackEvent.Type type, Track t, State s, FrameRef ref, List<String> zoneList,
            TrackEvent.EndReason reason) {
        Detection d = t.lastDetection();
        return new TrackEvent(s.eventId, type, camera, ref.sequence(), ref.ptsMs(), ref.time(), t.label(), t.id(),
                s.bestScore, new float[] {d.x1(), d.y1(), d.x2(), d.y2()}, zoneList, t.firstSeenMs(),
                t.lastSeenMs(), s.bestFrame, reason, model, List.copyOf(s.attributes.values()), t.stationary(),
                alert(s));
    }

    /** An alert once the object entered a required zone; every event when there are none. */
    private boolean alert(State s) {
        if (requiredZones.isEmpty()) {
            return true;
        }
        for (String z : s.zonesEntered) {
            if (requiredZones.contains(z)) {
                return true;
            }
        }
        return false;
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
        boolean allStanding = true;
        for (Track t : tracker.tracks()) {
            b.add(t.box());
            allStanding &= t.confirmed() && t.stationary();
        }
        boxes = List.copyOf(b);
        known = knownObjects();
        active = !b.isEmpty();
        confirming = tracker.tracks().stream().anyMatch(t -> !t.confirmed());
        heldIntervalMs = active && allStanding ? stationary.intervalMs() : -1;
    }

    /** The confirmed tracks with their schedule of looks; none when {@code tracking.look_again_max_s} is 0. */
    private List<KnownObject> knownObjects() {
        if (settings.lookAgainMaxMs() <= 0) {
            return List.of();
        }
        List<KnownObject> out = new ArrayList<>();
        for (Track t : tracker.tracks()) {
            if (t.confirmed()) {
                out.add(new KnownObject(t.box(), t.rates(), tracker.lastPtsMs(), t.lastSeenMs(), t.lookAgainMs()));
            }
        }
        return List.copyOf(out);
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

    /** {@code stationary.interval} while every object followed is stationary, else -1 (the gate's own). */
    @Override
    public long heldIntervalMs() {
        return heldIntervalMs;
    }

    /** The confirmed objects with their predicted boxes and schedule of looks, as of the last detected frame. */
    @Override
    public List<KnownObject> known() {
        return known;
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

    /** The detect entry these events belong to. */
    public String model() {
        return model;
    }
}
