package io.edgecascade.cascade.events;

import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.bestframe.BestFrame;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.forward.Upload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chooses the frames that go to the cloud ({@code cloud.forward}) and hands them to the {@link Uplink}, one
 * {@link Upload} per distinct frame however many events it stands for.
 *
 * <ul>
 * <li>{@code events} (default): the best frame of each event (the frame with the object's highest score) when the
 * event starts, and again when it ends if a better frame came since. Two tracks starting on one frame whose best
 * frame is the same make one upload naming both events; a frame already uploaded is never uploaded again.</li>
 * <li>{@code positives}: every positive frame, as it comes, naming the events that start or end on it.</li>
 * </ul>
 *
 * <p>The best frames come from the cameras' {@link BestFrames} (shared with the web page), already encoded; this
 * sink keeps no pixels. Runs on the output thread; owns the uplink and closes it.
 */
public final class EventForwarding implements FrameSink {

    /** {@code cloud.forward}. */
    public enum Mode {
        EVENTS, POSITIVES;

        public static final List<String> NAMES = List.of("events", "positives");

        public static Mode parse(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /** Frames remembered per camera as uploaded (a best frame is shared by tracks for a few seconds at most). */
    static final int UPLOADED_MEMORY = 1024;

    /** One camera's state: which frame each started event sent, and the frames uploaded lately. */
    private static final class Camera {
        /** track id -> sequence of the frame sent at its start (its event is open). */
        final Map<Long, Long> sentAtStart = new HashMap<>();
        final LinkedHashMap<Long, Boolean> uploaded = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > UPLOADED_MEMORY;
            }
        };
    }

    private final Uplink uplink;
    private final Mode mode;
    private final BestFrames frames;
    private final Map<String, Camera> cameras = new HashMap<>();
    private final Map<String, AtomicLong> forwarded = new ConcurrentHashMap<>();

    /** @param frames the cameras' best frames, shared with the other sinks that show them */
    public EventForwarding(Uplink uplink, Mode mode, BestFrames frames) {
        this.uplink = uplink;
        this.mode = mode;
        this.frames = frames;
    }

    /**
     * {@code positives}: every positive frame is encoded and sent; {@code events}: only a frame that becomes some
     * track's best frame is encoded (into the shared store).
     */
    @Override
    public boolean needsPixels(PositiveFrame p) {
        return mode == Mode.POSITIVES ? p.positive() : !p.tracks().bestOf().isEmpty();
    }

    @Override
    public void accept(PositiveFrame p) throws Exception {
        if (mode == Mode.POSITIVES) {
            if (p.positive()) {
                VideoFrame f = p.frame();
                List<String> eventIds = new ArrayList<>();
                for (TrackEvent e : p.tracks().events()) {
                    if (e.type() != TrackEvent.Type.UPDATE) {
                        eventIds.add(e.eventId());
                    }
                }
                send(new Upload(f.camera(), f.sequence(), f.ptsMillis(), f.captured().toEpochMilli(), f.width(),
                        f.height(), frames.jpegOf(f), p.detections(), p.tracks().trackIds(), eventIds));
            }
            return;
        }
        frames.update(p);
        String camera = p.frame().camera();
        Camera cam = cameras.computeIfAbsent(camera, c -> new Camera());
        // sequence -> the frame and the events it goes up for, in the order the events came
        Map<Long, BestFrame> chosen = new LinkedHashMap<>();
        Map<Long, List<String>> eventsOf = new HashMap<>();
        for (TrackEvent e : p.tracks().events()) {
            BestFrame best = frames.frame(camera, e.trackId());
            if (e.type() == TrackEvent.Type.START) {
                if (best == null) {
                    continue; // its frame was given up to stay within the bounds (counted there)
                }
                cam.sentAtStart.put(e.trackId(), best.sequence());
            } else if (e.type() == TrackEvent.Type.END) {
                Long sent = cam.sentAtStart.remove(e.trackId());
                if (best == null || sent != null && sent == best.sequence()) {
                    continue; // nothing better came since its start (or nothing is kept)
                }
            } else {
                continue;
            }
            if (cam.uploaded.containsKey(best.sequence())) {
                continue; // up already, for another event: its request names this track in its detections
            }
            chosen.putIfAbsent(best.sequence(), best);
            eventsOf.computeIfAbsent(best.sequence(), s -> new ArrayList<>()).add(e.eventId());
        }
        for (Long id : p.tracks().discarded()) {
            cam.sentAtStart.remove(id);
        }
        Exception failed = null;
        for (BestFrame b : chosen.values()) {
            try {
                send(new Upload(b.camera(), b.sequence(), b.ptsMillis(), b.capturedMillis(), b.width(), b.height(),
                        b.jpeg(), b.detections(), b.trackIds(), eventsOf.get(b.sequence())));
                cam.uploaded.put(b.sequence(), Boolean.TRUE);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // the other frames still go; the first failure is this frame's
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    private void send(Upload u) throws Exception {
        uplink.upload(u);
        forwarded.computeIfAbsent(u.camera(), c -> new AtomicLong()).incrementAndGet();
    }

    /** Frames handed to the uplink per camera. */
    public Map<String, Long> framesForwarded() {
        Map<String, Long> m = new LinkedHashMap<>();
        forwarded.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    @Override
    public void close(Deadline deadline) throws Exception {
        uplink.close(deadline);
    }

    @Override
    public void close() throws Exception {
        uplink.close();
    }

    @Override
    public String toString() {
        return "cloud forwarding (" + mode.name().toLowerCase(Locale.ROOT) + ") to " + uplink;
    }
}
