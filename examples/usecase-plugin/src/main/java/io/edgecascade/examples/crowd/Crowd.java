package io.edgecascade.examples.crowd;

import io.edgecascade.cascade.api.Drawing;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackedObject;
import io.edgecascade.cascade.api.UseCase;
import io.edgecascade.cascade.api.UseCaseOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An example use case: a crowd forms when at least {@code min_objects} objects of {@code labels} are followed at once,
 * and clears when fewer are. Each change is an event line of its own type, {@code {"type":"crowd","state":"formed",
 * "objects":3,"track_ids":[4,5,7]}} and {@code {"type":"crowd","state":"cleared","objects":1,"seconds":12.4}}; the
 * page and the annotated video show a box around the crowd while it lasts; {@code crowds} counts them.
 *
 * <p>The pipeline calls it from one thread at a time, so only {@link #counts()} (read by the metrics from another
 * thread) needs thread-safe state.
 */
final class Crowd implements UseCase {

    record Settings(int minObjects, List<String> labels) {
    }

    private static final int RED = 0xE0218A;

    private final Settings settings;
    private final AtomicLong crowds = new AtomicLong();
    private long formedPtsMs = -1;

    Crowd(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void onFrame(PositiveFrame frame, UseCaseOutput out) {
        if (frame.frame().width() <= 0) {
            return; // the pixel-less frame that ends the camera's events: nothing is followed any more
        }
        List<TrackedObject> in = new ArrayList<>();
        for (TrackedObject o : frame.tracks().objects()) {
            if (settings.labels().contains(o.label())) {
                in.add(o);
            }
        }
        long pts = frame.frame().ptsMillis();
        boolean crowd = in.size() >= settings.minObjects();
        if (crowd && formedPtsMs < 0) {
            formedPtsMs = pts;
            crowds.incrementAndGet();
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("state", "formed");
            line.put("objects", in.size());
            line.put("track_ids", in.stream().map(TrackedObject::trackId).toList());
            out.event("crowd", line);
        } else if (!crowd && formedPtsMs >= 0) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("state", "cleared");
            line.put("objects", in.size());
            line.put("seconds", (pts - formedPtsMs) / 1000.0);
            out.event("crowd", line);
            formedPtsMs = -1;
        }
        out.draw(crowd ? List.of(around(in)) : List.of());
    }

    /** A rectangle around every box of the crowd. */
    private static Drawing around(List<TrackedObject> objects) {
        double x1 = Double.MAX_VALUE;
        double y1 = Double.MAX_VALUE;
        double x2 = -Double.MAX_VALUE;
        double y2 = -Double.MAX_VALUE;
        for (TrackedObject o : objects) {
            float[] b = o.box();
            x1 = Math.min(x1, b[0]);
            y1 = Math.min(y1, b[1]);
            x2 = Math.max(x2, b[2]);
            y2 = Math.max(y2, b[3]);
        }
        return Drawing.polygon(RED, x1, y1, x2, y1, x2, y2, x1, y2);
    }

    @Override
    public Map<String, Long> counts() {
        return Map.of("crowds", crowds.get());
    }
}
