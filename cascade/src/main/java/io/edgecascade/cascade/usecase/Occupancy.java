package io.edgecascade.cascade.usecase;

import io.edgecascade.cascade.api.Area;
import io.edgecascade.cascade.api.Drawing;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackedObject;
import io.edgecascade.cascade.api.UseCase;
import io.edgecascade.cascade.api.UseCaseFactory;
import io.edgecascade.cascade.api.UseCaseOutput;
import io.edgecascade.cascade.api.UseCaseSettings;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code type: occupancy}: how many of the tracked objects of each label stand in a zone now (their bottom centre in
 * it; without {@code zone:} anywhere in the picture), and the day's maximum (the day of the agent's time zone, by the
 * frames' clock times). Each change is an event line {@code {"type":"occupancy","use_case":NAME,"zone":"desk",
 * "counts":{"person":2},"max_today":{"person":3}}}; the counts are {@code <label>} (now) and
 * {@code <label>_max_today}. Objects counted are those followed now, including a stationary one or one missed for a
 * frame or two.
 *
 * <p>Keys: {@code zone} (a zone's name or a polygon; default the whole picture), {@code labels} (default every label).
 */
public final class Occupancy implements UseCase {

    private static final int COLOUR = 0x00C8FF;

    /** The checked keys. */
    record Settings(Area zone, Selection selection) {
    }

    /** Registered with ServiceLoader as the built-in {@code occupancy}. */
    public static final class Factory implements UseCaseFactory {
        @Override
        public String type() {
            return "occupancy";
        }

        @Override
        public void check(UseCaseSettings settings) {
            read(settings);
        }

        @Override
        public UseCase create(UseCaseSettings settings) {
            return new Occupancy(settings.name(), read(settings), ZoneId.systemDefault());
        }
    }

    static Settings read(UseCaseSettings s) {
        return new Settings(s.area("zone"), Selection.read(s));
    }

    private final String name;
    private final Settings settings;
    private final ZoneId timeZone;
    private volatile Map<String, Long> now = Map.of();
    private volatile Map<String, Long> maxToday = Map.of();
    private LocalDate day;
    private int drawnWidth = -1;
    private int drawnHeight = -1;

    Occupancy(String name, Settings settings, ZoneId timeZone) {
        this.name = name;
        this.settings = settings;
        this.timeZone = timeZone;
    }

    @Override
    public void onFrame(PositiveFrame frame, UseCaseOutput out) {
        int w = frame.frame().width();
        int h = frame.frame().height();
        Map<String, Long> counts = new TreeMap<>();
        now.keySet().forEach(label -> counts.put(label, 0L)); // a label that left shows as 0
        for (TrackedObject o : frame.tracks().objects()) {
            if (!settings.selection().wants(o)) {
                continue;
            }
            double[] foot = o.foot();
            if (settings.zone() == null || settings.zone().contains(foot[0], foot[1], w, h)) {
                counts.merge(o.label(), 1L, Long::sum);
            }
        }
        LocalDate today = LocalDate.ofInstant(frame.frame().captured(), timeZone);
        boolean newDay = !today.equals(day);
        if (newDay) {
            day = today;
            maxToday = Map.of();
        }
        boolean changed = !counts.equals(now);
        if (changed) {
            now = Collections.unmodifiableMap(counts);
            Map<String, Long> max = new TreeMap<>(maxToday);
            counts.forEach((label, n) -> max.merge(label, n, Math::max));
            maxToday = Collections.unmodifiableMap(max);
            Map<String, Object> line = new LinkedHashMap<>();
            if (settings.zone() != null) {
                line.put("zone", settings.zone().name());
            }
            line.put("counts", new LinkedHashMap<>(now));
            line.put("max_today", new LinkedHashMap<>(maxToday));
            out.event("occupancy", line);
        }
        if (w > 0 && h > 0 && (changed || newDay || w != drawnWidth || h != drawnHeight)) {
            drawnWidth = w;
            drawnHeight = h;
            out.draw(drawing(w, h));
        }
    }

    private List<Drawing> drawing(int w, int h) {
        List<Drawing> d = new ArrayList<>();
        double x = 4;
        double y = h - 8;
        if (settings.zone() != null) {
            double[] corners = settings.zone().corners(w, h);
            d.add(Drawing.polygon(COLOUR, corners));
            x = corners[0] + 4;
            y = Math.max(16, corners[1] + 16);
        }
        StringBuilder text = new StringBuilder(name).append(':');
        now.forEach((label, n) -> text.append(' ').append(label).append(' ').append(n).append(" (max ")
                .append(maxToday.getOrDefault(label, n)).append(')'));
        d.add(Drawing.text(COLOUR, x, y, text.toString()));
        return d;
    }

    @Override
    public Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>();
        Map<String, Long> max = maxToday;
        now.forEach((label, n) -> {
            m.put(label, n);
            m.put(label + "_max_today", max.getOrDefault(label, n));
        });
        return m;
    }
}
