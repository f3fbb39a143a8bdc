package io.edgecascade.cascade.usecase;

import io.edgecascade.cascade.api.Area;
import io.edgecascade.cascade.api.Drawing;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.TrackedObject;
import io.edgecascade.cascade.api.UseCase;
import io.edgecascade.cascade.api.UseCaseFactory;
import io.edgecascade.cascade.api.UseCaseOutput;
import io.edgecascade.cascade.api.UseCaseSettings;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code type: loitering}: an object that stays in a zone (its bottom centre in it; without {@code zone:} anywhere in
 * the picture) for longer than {@code seconds} of stream time makes one event line {@code {"type":"loitering",
 * "use_case":NAME,"track_id":4,"event_id":...,"label":"person","model":"people","zone":"entrance","seconds":31.5}}.
 * Leaving the zone starts its time over (a later visit can make another line). The count is {@code loitering}.
 *
 * <p>Keys: {@code seconds} (required), {@code zone} (a zone's name or a polygon), {@code labels} (default every label).
 */
public final class Loitering implements UseCase {

    private static final int COLOUR = 0xFF3030;

    /** The checked keys. */
    record Settings(Area zone, long millis, Selection selection) {
    }

    /** Registered with ServiceLoader as the built-in {@code loitering}. */
    public static final class Factory implements UseCaseFactory {
        @Override
        public String type() {
            return "loitering";
        }

        @Override
        public void check(UseCaseSettings settings) {
            read(settings);
        }

        @Override
        public UseCase create(UseCaseSettings settings) {
            return new Loitering(read(settings));
        }
    }

    static Settings read(UseCaseSettings s) {
        if (!s.has("seconds")) {
            s.problem("seconds", "is required: how long an object may stay in the zone before it is loitering,"
                    + " e.g. 30");
        }
        double seconds = s.number("seconds", 30, 0, 86_400);
        return new Settings(s.area("zone"), Math.round(seconds * 1000), Selection.read(s));
    }

    private final Settings settings;
    /** Per track in the zone: since when (stream time). */
    private final Map<Long, Long> since = new HashMap<>();
    private final Set<Long> reported = new HashSet<>();
    private final AtomicLong loitering = new AtomicLong();
    private int drawnWidth = -1;
    private int drawnHeight = -1;

    Loitering(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void onEvent(TrackEvent event, UseCaseOutput out) {
        if (event.type() == TrackEvent.Type.END) {
            since.remove(event.trackId());
            reported.remove(event.trackId());
        }
    }

    @Override
    public void onFrame(PositiveFrame frame, UseCaseOutput out) {
        int w = frame.frame().width();
        int h = frame.frame().height();
        long pts = frame.frame().ptsMillis();
        for (TrackedObject o : frame.tracks().objects()) {
            if (!o.seenAt(pts) || !settings.selection().wants(o)) {
                continue;
            }
            double[] foot = o.foot();
            if (settings.zone() != null && !settings.zone().contains(foot[0], foot[1], w, h)) {
                since.remove(o.trackId()); // left the zone: a later visit starts over
                reported.remove(o.trackId());
                continue;
            }
            long from = since.computeIfAbsent(o.trackId(), id -> pts);
            if (pts - from >= settings.millis() && reported.add(o.trackId())) {
                loitering.incrementAndGet();
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("track_id", o.trackId());
                line.put("event_id", o.eventId());
                line.put("label", o.label());
                line.put("model", o.model());
                if (settings.zone() != null) {
                    line.put("zone", settings.zone().name());
                }
                line.put("seconds", (pts - from) / 1000.0);
                out.event("loitering", line);
            }
        }
        if (settings.zone() != null && w > 0 && h > 0 && (w != drawnWidth || h != drawnHeight)) {
            drawnWidth = w;
            drawnHeight = h;
            out.draw(List.of(Drawing.polygon(COLOUR, settings.zone().corners(w, h))));
        }
    }

    @Override
    public Map<String, Long> counts() {
        return Map.of("loitering", loitering.get());
    }
}
