package io.edgecascade.cascade.tracking;

import io.edgecascade.cascade.api.Detection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * A SORT-like multi-object tracker for one camera: every detected frame, each track's constant-velocity
 * Kalman filter predicts its box to the frame's time, detections are matched to tracks of the same class by
 * greedy best-IoU (at least {@code min_iou}), matched tracks are corrected, unmatched detections start new
 * tracks, and tracks not seen for {@code max_age} end. A tentative track (not yet {@code min_hits}) ends at its
 * first miss: a one-frame false positive must not linger.
 *
 * <p>Greedy matching on predicted boxes keeps the ids of objects that cross: at the crossing each track's
 * prediction lies on its own path, so its own detection overlaps it most. The detector runs a few times a second
 * rather than on every frame, so a walking person's consecutive boxes may hardly overlap before the filter has
 * learnt its speed: detections and tracks left over by IoU are then matched by centre distance (under
 * {@value #MAX_CENTRE_DISTANCE} of the box's larger side, sizes within a factor of 2). Time is the stream's presentation
 * time, so a gate that skips frames does not age tracks. Not thread-safe: one per camera, used by one thread
 * at a time.
 */
public final class Tracker {

    /**
     * What one frame did to the tracks.
     *
     * @param matched   per detection (same order as given): its track, new or existing
     * @param removed   tracks that ended in this frame (not seen for {@code max_age})
     */
    public record Update(List<Track> matched, List<Track> removed) {
        public Update {
            matched = Collections.unmodifiableList(new ArrayList<>(matched));
            removed = List.copyOf(removed);
        }
    }

    /** Second-stage matching: greatest centre distance, in box sides. */
    static final double MAX_CENTRE_DISTANCE = 1.0;

    private final TrackingSettings settings;
    private final StationarySettings stationary;
    private final java.util.function.LongSupplier ids;
    private final List<Track> tracks = new ArrayList<>();
    private long lastPtsMs = Long.MIN_VALUE;

    /** A tracker with its own ids (1, 2, ...) whose objects never become stationary. */
    public Tracker(TrackingSettings settings) {
        this(settings, StationarySettings.OFF, new java.util.concurrent.atomic.AtomicLong()::incrementAndGet);
    }

    /**
     * @param stationary when a track counts as stationary (and how much longer it may go unseen)
     * @param ids        the next track id: shared by a camera's trackers (one per detect entry), so a track id names
     *                   one object of the camera
     */
    public Tracker(TrackingSettings settings, StationarySettings stationary, java.util.function.LongSupplier ids) {
        this.settings = settings;
        this.stationary = stationary;
        this.ids = ids;
    }

    /** Feeds the detections of a frame at {@code ptsMs}; an empty list ages the tracks. */
    public Update update(long ptsMs, List<Detection> detections) {
        // Frames from several detector workers may arrive slightly out of order: never step back in time.
        double dt = lastPtsMs == Long.MIN_VALUE ? 0 : Math.max(0, ptsMs - lastPtsMs) / 1000.0;
        lastPtsMs = Math.max(lastPtsMs, ptsMs);
        for (Track t : tracks) {
            t.predict(dt);
        }

        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            Track t = tracks.get(i);
            for (int j = 0; j < detections.size(); j++) {
                Detection d = detections.get(j);
                if (t.classId() != d.classId()) {
                    continue;
                }
                float iou = t.iou(d);
                if (iou >= settings.minIou()) {
                    pairs.add(new Pair(i, j, -iou));
                }
            }
        }
        Track[] matched = new Track[detections.size()];
        boolean[] trackTaken = new boolean[tracks.size()];
        assign(pairs, detections, matched, trackTaken, ptsMs);
        matchByDistance(detections, matched, trackTaken, ptsMs);

        List<Track> removed = new ArrayList<>();
        for (int i = tracks.size() - 1; i >= 0; i--) {
            Track t = tracks.get(i);
            if (!trackTaken[i] && (!t.confirmed() || lastPtsMs - t.lastSeenMs() > maxAgeMs(t))) {
                removed.add(0, t);
                tracks.remove(i);
            }
        }
        for (int j = 0; j < detections.size(); j++) {
            if (matched[j] == null) {
                Track t = new Track(ids.getAsLong(), detections.get(j), ptsMs, settings);
                tracks.add(t);
                matched[j] = t;
            } else {
                matched[j].measureStanding(ptsMs, stationary);
            }
        }
        return new Update(java.util.Arrays.asList(matched), removed);
    }

    /** A stationary track is looked at only every {@code stationary.interval}: it may go unseen that much longer. */
    private long maxAgeMs(Track t) {
        return t.stationary() ? settings.maxAgeMs() + stationary.intervalMs() : settings.maxAgeMs();
    }

    /** A possible match; lower cost is better (negated IoU, or centre distance). */
    private record Pair(int track, int detection, double cost) {
    }

    /** Greedy assignment, cheapest pair first, each track and detection used once. */
    private void assign(List<Pair> pairs, List<Detection> detections, Track[] matched, boolean[] trackTaken,
            long ptsMs) {
        pairs.sort(Comparator.comparingDouble(Pair::cost));
        for (Pair p : pairs) {
            if (trackTaken[p.track()] || matched[p.detection()] != null) {
                continue;
            }
            trackTaken[p.track()] = true;
            Track t = tracks.get(p.track());
            t.hit(detections.get(p.detection()), ptsMs, settings);
            matched[p.detection()] = t;
        }
    }

    private void matchByDistance(List<Detection> detections, Track[] matched, boolean[] trackTaken, long ptsMs) {
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            if (trackTaken[i]) {
                continue;
            }
            float[] b = tracks.get(i).box();
            double tw = b[2] - b[0];
            double th = b[3] - b[1];
            for (int j = 0; j < detections.size(); j++) {
                Detection d = detections.get(j);
                if (matched[j] != null || tracks.get(i).classId() != d.classId()) {
                    continue;
                }
                double side = Math.max(Math.max(tw, th), Math.max(d.width(), d.height()));
                double ratio = Math.max(tw, th) / Math.max(1e-3, Math.max(d.width(), d.height()));
                double dist = Math.hypot((b[0] + b[2]) / 2 - (d.x1() + d.x2()) / 2,
                        (b[1] + b[3]) / 2 - (d.y1() + d.y2()) / 2) / Math.max(1, side);
                if (dist < MAX_CENTRE_DISTANCE && ratio >= 0.5 && ratio <= 2) {
                    pairs.add(new Pair(i, j, dist));
                }
            }
        }
        assign(pairs, detections, matched, trackTaken, ptsMs);
    }

    /** Removes and returns every track (the camera ended). */
    public List<Track> removeAll() {
        List<Track> all = List.copyOf(tracks);
        tracks.clear();
        return all;
    }

    /** The stream time of the last update (Long.MIN_VALUE before the first). */
    public long lastPtsMs() {
        return lastPtsMs;
    }

    /** The tracks alive now (tentative and confirmed). */
    public List<Track> tracks() {
        return Collections.unmodifiableList(tracks);
    }
}
