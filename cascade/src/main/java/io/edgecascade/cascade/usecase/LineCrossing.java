package io.edgecascade.cascade.usecase;

import io.edgecascade.cascade.api.Drawing;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.TrackedObject;
import io.edgecascade.cascade.api.UseCase;
import io.edgecascade.cascade.api.UseCaseFactory;
import io.edgecascade.cascade.api.UseCaseOutput;
import io.edgecascade.cascade.api.UseCaseSettings;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code type: line_crossing}: counts the tracked objects whose bottom centre (where they stand) crosses a line, in
 * each direction. {@code forward} is the direction of the line's normal turned clockwise (on the picture) from its
 * first point towards its second: for {@code line: [[0.75, 0], [0.75, 1]]} (drawn top to bottom) forward is to the
 * left, backward to the right (docs/usecases.md has a picture).
 *
 * <p>Hysteresis: a point within {@code hysteresis} (a fraction of the frame's diagonal) of the line is on neither side,
 * so an object that jitters on the line counts once; a crossing counts when an object seen on one side (past the band)
 * is next seen on the other, where the line is (a line shorter than the picture is a door: walking around its end is
 * no crossing). An object whose last sighting was across the line but still within the band (someone who walks out
 * of the picture just past a line near its edge: at 10 frames a second and a detector look every 500 ms, one or two
 * sightings fall past the line) counts when its track ends. Each crossing is an event line {@code {"type":"line_crossing","use_case":NAME,"direction":"forward",
 * "track_id":3,"event_id":...,"label":"person","model":"people"}}; the counts are {@code forward} and
 * {@code backward}.
 *
 * <p>Keys: {@code line} (two points, pixels or fractions 0..1 of the frame), {@code labels} (default every label),
 * {@code hysteresis} (default {@value #DEFAULT_HYSTERESIS}).
 */
public final class LineCrossing implements UseCase {

    static final double DEFAULT_HYSTERESIS = 0.01;
    private static final int COLOUR = 0xFF8C00;

    /** The checked keys. */
    record Settings(double[] a, double[] b, boolean fractions, double hysteresis, Selection selection) {
    }

    /** Registered with ServiceLoader as the built-in {@code line_crossing}. */
    public static final class Factory implements UseCaseFactory {
        @Override
        public String type() {
            return "line_crossing";
        }

        @Override
        public void check(UseCaseSettings settings) {
            read(settings);
        }

        @Override
        public UseCase create(UseCaseSettings settings) {
            return new LineCrossing(settings.name(), read(settings));
        }
    }

    static Settings read(UseCaseSettings s) {
        if (!s.has("line")) {
            s.problem("line", "is required: two points [[x1, y1], [x2, y2]] (pixels, or fractions 0..1 of the"
                    + " frame), e.g. [[0.75, 0], [0.75, 1]] for a vertical line at three quarters of the width");
        }
        List<double[]> line = s.points("line", 2);
        double hysteresis = s.number("hysteresis", DEFAULT_HYSTERESIS, 0, 0.5);
        Selection selection = Selection.read(s);
        if (line.size() > 2) {
            s.problem("line", "has " + line.size() + " points; a line is two points [[x1, y1], [x2, y2]]");
        }
        if (line.size() != 2) {
            return new Settings(new double[] {0, 0}, new double[] {1, 1}, true, hysteresis, selection);
        }
        double[] a = line.get(0);
        double[] b = line.get(1);
        if (a[0] == b[0] && a[1] == b[1]) {
            s.problem("line", "its two points are the same; give two different points");
        }
        boolean fractions = a[0] <= 1 && a[1] <= 1 && b[0] <= 1 && b[1] <= 1;
        return new Settings(a, b, fractions, hysteresis, selection);
    }

    private final String name;
    private final Settings settings;
    /** Per track: the side it was last seen on past the band (+1 forward, -1 backward). */
    private final Map<Long, Integer> sides = new HashMap<>();
    /** Per track whose last sighting was within the band (and within the line's length): the side of the line it was on. */
    private final Map<Long, Integer> inBand = new HashMap<>();
    private boolean redraw;
    private final AtomicLong forward = new AtomicLong();
    private final AtomicLong backward = new AtomicLong();
    private int drawnWidth = -1;
    private int drawnHeight = -1;

    LineCrossing(String name, Settings settings) {
        this.name = name;
        this.settings = settings;
    }

    @Override
    public void onEvent(TrackEvent event, UseCaseOutput out) {
        if (event.type() != TrackEvent.Type.END) {
            return;
        }
        Integer side = sides.remove(event.trackId());
        Integer last = inBand.remove(event.trackId());
        if (side != null && last != null && !side.equals(last)) { // it ended just past the line: it crossed
            count(out, last, event.trackId(), event.eventId(), event.label(), event.model());
            redraw = true;
        }
    }

    private void count(UseCaseOutput out, int side, long trackId, String eventId, String label, String model) {
        (side > 0 ? forward : backward).incrementAndGet();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("direction", side > 0 ? "forward" : "backward");
        line.put("track_id", trackId);
        line.put("event_id", eventId);
        line.put("label", label);
        line.put("model", model);
        out.event("line_crossing", line);
    }

    @Override
    public void onFrame(PositiveFrame frame, UseCaseOutput out) {
        int w = frame.frame().width();
        int h = frame.frame().height();
        if (w <= 0 || h <= 0) {
            return; // the pixel-less frame that ends the camera's events: nothing stands anywhere
        }
        double[] a = pixels(settings.a(), w, h);
        double[] b = pixels(settings.b(), w, h);
        double dx = b[0] - a[0];
        double dy = b[1] - a[1];
        double length = Math.hypot(dx, dy);
        double band = settings.hysteresis() * Math.hypot(w, h);
        boolean counted = redraw;
        redraw = false;
        long pts = frame.frame().ptsMillis();
        for (TrackedObject o : frame.tracks().objects()) {
            if (!o.seenAt(pts) || !settings.selection().wants(o)) {
                continue;
            }
            double[] p = o.foot();
            // signed distance along the forward normal (-dy, dx): the direction turned clockwise on the picture
            double across = ((p[0] - a[0]) * -dy + (p[1] - a[1]) * dx) / length;
            double along = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (length * length);
            int side = across > band ? 1 : across < -band ? -1 : 0;
            double slack = band / length;
            boolean onLine = along >= -slack && along <= 1 + slack;
            if (side == 0) {
                if (onLine && across != 0) {
                    inBand.put(o.trackId(), across > 0 ? 1 : -1);
                } else {
                    inBand.remove(o.trackId());
                }
                continue;
            }
            inBand.remove(o.trackId());
            Integer before = sides.put(o.trackId(), side);
            if (before != null && before != side && onLine) {
                counted = true;
                count(out, side, o.trackId(), o.eventId(), o.label(), o.model());
            }
        }
        if (counted || w != drawnWidth || h != drawnHeight) {
            drawnWidth = w;
            drawnHeight = h;
            out.draw(drawing(a, b, Math.hypot(w, h)));
        }
    }

    /** The line, an arrow pointing forward from its middle, and the counts. */
    private List<Drawing> drawing(double[] a, double[] b, double diagonal) {
        double dx = b[0] - a[0];
        double dy = b[1] - a[1];
        double length = Math.hypot(dx, dy);
        double mx = (a[0] + b[0]) / 2;
        double my = (a[1] + b[1]) / 2;
        double arrow = 0.05 * diagonal;
        return List.of(Drawing.line(COLOUR, a[0], a[1], b[0], b[1]),
                Drawing.arrow(COLOUR, mx, my, mx - dy / length * arrow, my + dx / length * arrow),
                Drawing.text(COLOUR, Math.min(a[0], b[0]) + 4, Math.max(16, Math.min(a[1], b[1]) + 16),
                        String.format(Locale.ROOT, "%s: %d forward, %d backward", name, forward.get(),
                                backward.get())));
    }

    private double[] pixels(double[] p, int w, int h) {
        return settings.fractions() ? new double[] {p[0] * w, p[1] * h} : p;
    }

    @Override
    public Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("forward", forward.get());
        m.put("backward", backward.get());
        return m;
    }
}
