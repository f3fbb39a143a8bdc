package io.edgecascade.cascade.events;

import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.VideoFrame;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chooses the frames that go to the cloud ({@code cloud.forward}) and hands them to the forwarder.
 *
 * <ul>
 * <li>{@code events} (default): the best frame of each event (the frame with the object's highest score) when the
 * event starts, and again when it ends if a better frame came since. The uplink carries a frame or two per
 * object instead of every positive frame.</li>
 * <li>{@code positives}: every positive frame, as it comes.</li>
 * </ul>
 *
 * <p>To send an event's best frame at its end, this keeps a copy of the best frame of every live track (one frame
 * per tracked object, freed when the track ends or is discarded). Runs on the output thread; owns the forwarder
 * and closes it.
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

    /** A copy of a track's best frame so far. */
    private static final class Kept implements AutoCloseable {
        final PositiveFrame frame;
        boolean sent;

        Kept(PositiveFrame frame) {
            this.frame = frame;
        }

        @Override
        public void close() {
            frame.frame().close();
        }
    }

    private final FrameSink forwarder;
    private final Mode mode;
    /** camera -> track id -> best frame. */
    private final Map<String, Map<Long, Kept>> kept = new HashMap<>();
    private final Map<String, AtomicLong> forwarded = new ConcurrentHashMap<>();

    public EventForwarding(FrameSink forwarder, Mode mode) {
        this.forwarder = forwarder;
        this.mode = mode;
    }

    @Override
    public void accept(PositiveFrame p) throws Exception {
        String camera = p.frame().camera();
        if (mode == Mode.POSITIVES) {
            if (p.positive()) {
                send(camera, p);
            }
            return;
        }
        Map<Long, Kept> tracks = kept.computeIfAbsent(camera, c -> new HashMap<>());
        for (Long id : p.tracks().bestOf()) {
            VideoFrame f = p.frame();
            Kept copy = new Kept(new PositiveFrame(new VideoFrame(f.camera(), f.sequence(), f.ptsMillis(), f.captured(),
                    f.image().clone()), p.motion(), p.detections()));
            Kept old = tracks.put(id, copy);
            if (old != null) {
                old.close();
            }
        }
        for (TrackEvent e : p.tracks().events()) {
            if (e.type() == TrackEvent.Type.START) {
                Kept k = tracks.get(e.trackId());
                if (k != null) {
                    k.sent = true;
                    send(camera, k.frame);
                }
            } else if (e.type() == TrackEvent.Type.END) {
                try (Kept k = tracks.remove(e.trackId())) {
                    if (k != null && !k.sent) {
                        send(camera, k.frame);
                    }
                }
            }
        }
        for (Long id : p.tracks().discarded()) {
            Kept k = tracks.remove(id);
            if (k != null) {
                k.close();
            }
        }
    }

    private void send(String camera, PositiveFrame p) throws Exception {
        forwarded.computeIfAbsent(camera, c -> new AtomicLong()).incrementAndGet();
        forwarder.accept(p);
    }

    /** Frames handed to the forwarder per camera. */
    public Map<String, Long> framesForwarded() {
        Map<String, Long> m = new LinkedHashMap<>();
        forwarded.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    @Override
    public void close() throws Exception {
        freeKept();
        forwarder.close();
    }

    /** Closes the forwarder under the stop's one deadline (it spools what it cannot send by then). */
    @Override
    public void close(io.edgecascade.cascade.api.Deadline deadline) throws Exception {
        freeKept();
        forwarder.close(deadline);
    }

    private void freeKept() {
        for (Map<Long, Kept> tracks : kept.values()) {
            for (Iterator<Kept> it = tracks.values().iterator(); it.hasNext();) {
                it.next().close();
                it.remove();
            }
        }
    }

    @Override
    public String toString() {
        return "cloud forwarding (" + mode.name().toLowerCase(Locale.ROOT) + ") to " + forwarder;
    }
}
