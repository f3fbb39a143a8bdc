package io.edgecascade.cascade.tracking;

import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.TrackedObject;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.motion.GateHold;
import io.edgecascade.cascade.motion.KnownObject;
import io.edgecascade.cascade.motion.Zone;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything one camera follows: the {@link ObjectEvents} of each of its detect entries that finds boxes (a
 * {@code people} entry and a {@code vehicles} entry each have their own tracker, aged on the frames that entry ran
 * on), with one series of track ids for the camera, so a track id and an event id name one object whichever entry
 * follows it. As the camera's {@link GateHold} it holds the gate open while any entry follows something, hurries for
 * any entry's confirming look, and slows to the stationary interval only when every entry's objects are stationary.
 * Thread-safe (each entry's events are).
 */
public final class CameraTracks implements GateHold {

    private final String camera;
    private final Map<String, ObjectEvents> entries = new LinkedHashMap<>();

    /**
     * @param entries the names of the camera's detect entries that find boxes, in config order
     */
    public CameraTracks(String camera, List<String> entries, TrackingSettings settings, List<Zone> zones,
            StationarySettings stationary, Set<String> requiredZones) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("camera " + camera + " has no detect entry that finds boxes");
        }
        this.camera = camera;
        AtomicLong ids = new AtomicLong();
        for (String e : entries) {
            this.entries.put(e, new ObjectEvents(camera, e, settings, zones, stationary, requiredZones,
                    ids::incrementAndGet));
        }
    }

    /**
     * Tracks what the entries that ran on {@code frame} found ({@code found}: entry name -> result, in the order the
     * frame's detections are listed); returns the track of each detection in that order, the event lines of every
     * entry, and every object the camera follows (also those of entries that did not run on this frame).
     */
    public FrameTracks onFrame(VideoFrame frame, Map<String, EntryResult> found) {
        List<Long> ids = new ArrayList<>();
        List<TrackEvent> events = new ArrayList<>();
        List<Long> bestOf = new ArrayList<>();
        List<Long> discarded = new ArrayList<>();
        List<TrackedObject> objects = new ArrayList<>();
        for (Map.Entry<String, ObjectEvents> e : entries.entrySet()) {
            EntryResult r = found.get(e.getKey());
            if (r == null) {
                objects.addAll(e.getValue().confirmed());
                continue;
            }
            FrameTracks t = e.getValue().onFrame(frame, r);
            ids.addAll(t.trackIds());
            events.addAll(t.events());
            bestOf.addAll(t.bestOf());
            discarded.addAll(t.discarded());
            objects.addAll(t.objects());
        }
        for (String name : found.keySet()) {
            if (!entries.containsKey(name)) {
                throw new IllegalArgumentException("camera " + camera + " has no detect entry '" + name + "'");
            }
        }
        return new FrameTracks(ids, events, bestOf, discarded, objects, List.of(), List.of());
    }

    /** The detections of {@code found} in the order {@link #onFrame} lists their tracks. */
    public List<io.edgecascade.cascade.api.Detection> detections(Map<String, EntryResult> found) {
        List<io.edgecascade.cascade.api.Detection> out = new ArrayList<>();
        for (String name : entries.keySet()) {
            EntryResult r = found.get(name);
            if (r != null) {
                out.addAll(r.detections());
            }
        }
        return out;
    }

    /** Ends every entry's tracks with {@code reason} (see {@link ObjectEvents#finish}). */
    public FrameTracks finish(TrackEvent.EndReason reason) {
        List<TrackEvent> events = new ArrayList<>();
        List<Long> discarded = new ArrayList<>();
        for (ObjectEvents e : entries.values()) {
            FrameTracks t = e.finish(reason);
            events.addAll(t.events());
            discarded.addAll(t.discarded());
        }
        return new FrameTracks(List.of(), events, List.of(), discarded);
    }

    /** The events of one entry, or null. */
    public ObjectEvents entry(String name) {
        return entries.get(name);
    }

    /** The boxes entry {@code name} follows (regions to keep looking at); empty for an unknown entry. */
    public List<float[]> boxes(String name) {
        ObjectEvents e = entries.get(name);
        return e == null ? List.of() : e.boxes();
    }

    /** True while any entry follows an object. */
    public boolean tracking() {
        for (ObjectEvents e : entries.values()) {
            if (e.tracking()) {
                return true;
            }
        }
        return false;
    }

    /** Events started so far, every entry together. */
    public long started() {
        long n = 0;
        for (ObjectEvents e : entries.values()) {
            n += e.started();
        }
        return n;
    }

    @Override
    public boolean holdOpen() {
        for (ObjectEvents e : entries.values()) {
            if (e.holdOpen()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean hurry() {
        for (ObjectEvents e : entries.values()) {
            if (e.hurry()) {
                return true;
            }
        }
        return false;
    }

    /** Every entry's confirmed objects with their schedule of looks. */
    @Override
    public List<KnownObject> known() {
        List<KnownObject> all = new ArrayList<>();
        for (ObjectEvents e : entries.values()) {
            all.addAll(e.known());
        }
        return all;
    }

    /** The stationary interval only when every entry that follows something follows only stationary objects. */
    @Override
    public long heldIntervalMs() {
        long interval = -1;
        for (ObjectEvents e : entries.values()) {
            if (!e.holdOpen()) {
                continue;
            }
            long held = e.heldIntervalMs();
            if (held < 0) {
                return -1;
            }
            interval = interval < 0 ? held : Math.min(interval, held);
        }
        return interval;
    }

    public String camera() {
        return camera;
    }
}
