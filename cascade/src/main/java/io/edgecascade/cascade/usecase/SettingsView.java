package io.edgecascade.cascade.usecase;

import io.edgecascade.cascade.api.Area;
import io.edgecascade.cascade.api.UseCaseSettings;
import io.edgecascade.cascade.motion.Polygon;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The {@link UseCaseSettings} of one use-case entry, over its keys as plain values (text, numbers, booleans, lists and
 * maps, as the YAML gave them; {@code ${VAR}} already expanded). Problems go to a sink with the key (the config
 * loader prefixes the entry's path); {@link #unknownKeys()} lists the keys no getter asked for. Not thread-safe: used
 * while a use case is checked or made.
 */
public final class SettingsView implements UseCaseSettings {

    private static final String POINTS = "a list of [x, y] points (pixels, or fractions 0..1 of the frame)";

    private final String name;
    private final String type;
    private final String camera;
    private final Map<String, Object> values;
    private final Map<String, Area> zones;
    private final Set<String> labels;
    private final BiConsumer<String, String> problems;
    private final Set<String> asked = new LinkedHashSet<>();

    /**
     * @param values   the entry's keys besides {@code name} and {@code type}
     * @param zones    the camera's zones by name
     * @param labels   the labels of the camera's models
     * @param problems receives (key, message) for each bad value
     */
    public SettingsView(String name, String type, String camera, Map<String, Object> values, Map<String, Area> zones,
            Set<String> labels, BiConsumer<String, String> problems) {
        this.name = name;
        this.type = type;
        this.camera = camera;
        this.values = Map.copyOf(values);
        this.zones = Map.copyOf(zones);
        this.labels = Set.copyOf(labels);
        this.problems = problems;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String camera() {
        return camera;
    }

    @Override
    public boolean has(String key) {
        asked.add(key);
        return values.get(key) != null;
    }

    private Object get(String key) {
        asked.add(key);
        return values.get(key);
    }

    @Override
    public String string(String key, String def) {
        Object v = get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof Collection || v instanceof Map) {
            problem(key, "must be a text value, got " + describe(v));
            return def;
        }
        return v.toString();
    }

    @Override
    public double number(String key, double def, double min, double max) {
        Object v = get(key);
        if (v == null) {
            return def;
        }
        double d;
        try {
            d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            problem(key, describe(v) + " is not a number; allowed " + fmt(min) + ".." + fmt(max));
            return def;
        }
        if (Double.isNaN(d) || d < min || d > max) {
            problem(key, fmt(d) + " is out of range; allowed " + fmt(min) + ".." + fmt(max));
            return def;
        }
        return d;
    }

    @Override
    public long integer(String key, long def, long min, long max) {
        Object v = get(key);
        if (v == null) {
            return def;
        }
        long n;
        try {
            n = v instanceof Integer || v instanceof Long ? ((Number) v).longValue() : Long.parseLong(v.toString()
                    .trim());
        } catch (NumberFormatException e) {
            problem(key, describe(v) + " is not a whole number; allowed " + min + ".." + max);
            return def;
        }
        if (n < min || n > max) {
            problem(key, n + " is out of range; allowed " + min + ".." + max);
            return def;
        }
        return n;
    }

    @Override
    public boolean bool(String key, boolean def) {
        Object v = get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        switch (v.toString().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on":
                return true;
            case "false", "no", "off":
                return false;
            default:
                problem(key, describe(v) + " is not a boolean; use true or false");
                return def;
        }
    }

    @Override
    public List<String> strings(String key, List<String> def) {
        Object v = get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof Map) {
            problem(key, "must be a list of names, got a mapping");
            return def;
        }
        if (!(v instanceof Collection<?> c)) {
            return List.of(v.toString());
        }
        List<String> out = new ArrayList<>();
        for (Object o : c) {
            if (o == null || o instanceof Collection || o instanceof Map) {
                problem(key, "must be a list of names, got " + describe(o) + " in it");
                return def;
            }
            out.add(o.toString());
        }
        return out;
    }

    @Override
    public List<double[]> points(String key, int minPoints) {
        Object v = get(key);
        if (v == null) {
            return List.of();
        }
        List<double[]> out = pointList(key, v);
        if (out == null) {
            return List.of();
        }
        if (out.size() < minPoints) {
            problem(key, "has " + out.size() + " point" + (out.size() == 1 ? "" : "s") + "; it needs at least "
                    + minPoints + ", " + POINTS);
            return List.of();
        }
        for (double[] p : out) {
            if (p[0] < 0 || p[1] < 0) {
                problem(key, "point [" + fmt(p[0]) + ", " + fmt(p[1]) + "] is negative; " + POINTS);
                return List.of();
            }
        }
        return out;
    }

    private List<double[]> pointList(String key, Object v) {
        if (!(v instanceof List<?> list)) {
            problem(key, "must be " + POINTS + ", got " + describe(v));
            return null;
        }
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object p = list.get(i);
            if (!(p instanceof List<?> xy) || xy.size() != 2 || !(xy.get(0) instanceof Number x)
                    || !(xy.get(1) instanceof Number y)) {
                problem(key + "[" + i + "]", "must be a point [x, y] of two numbers; " + key + " is " + POINTS);
                return null;
            }
            out.add(new double[] {x.doubleValue(), y.doubleValue()});
        }
        return out;
    }

    @Override
    public Area area(String key) {
        Object v = get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List)) {
            Area zone = zones.get(v.toString());
            if (zone == null) {
                problem(key, "'" + v + "' is not a zone of camera " + camera + (zones.isEmpty() ? " (it has none)"
                        : "; its zones: " + String.join(", ", new java.util.TreeSet<>(zones.keySet())))
                        + "; name a zone or give a polygon, " + POINTS);
            }
            return zone;
        }
        List<double[]> pts = pointList(key, v);
        if (pts == null) {
            return null;
        }
        try {
            return new PolygonArea(key, new Polygon(pts.stream().map(p -> new Polygon.Point(p[0], p[1])).toList()));
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage() + "; give a zone's name or a polygon of at least 3 points");
            return null;
        }
    }

    @Override
    public Set<String> zones() {
        return zones.keySet();
    }

    @Override
    public Set<String> labels() {
        return labels;
    }

    @Override
    public void problem(String key, String message) {
        problems.accept(key, message);
    }

    /** Keys of the entry no getter asked for (empty when nothing was asked: a use case that checks no keys). */
    public List<String> unknownKeys() {
        if (asked.isEmpty()) {
            return List.of();
        }
        return values.keySet().stream().filter(k -> !asked.contains(k)).sorted().toList();
    }

    /** The keys asked for, in order. */
    public Set<String> asked() {
        return java.util.Collections.unmodifiableSet(asked);
    }

    private static String describe(Object v) {
        if (v instanceof Collection) {
            return "a list";
        }
        if (v instanceof Map) {
            return "a mapping";
        }
        return "'" + v + "'";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
