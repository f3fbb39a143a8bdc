package io.edgecascade.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecascade.cascade.motion.Polygon;
import io.edgecascade.cascade.motion.Zone;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the polygons of {@code motion.mask} and {@code zones}: each polygon a list of {@code [x, y]} points, in
 * frame pixels or, when every coordinate is within 0..1, in fractions of the frame. Problems name the key, the
 * polygon and the point.
 */
final class Polygons {

    private static final Pattern ZONE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final String FORM = "a list of [x, y] points (pixels, or fractions 0..1 of the frame), e.g."
            + " [[0, 0], [0.3, 0], [0.3, 0.1], [0, 0.1]]";

    private Polygons() {
    }

    /** {@code motion.mask}: a list of polygons; absent gives {@code def}. */
    static List<Polygon> mask(Section s, String name, List<Polygon> def) {
        JsonNode v = s.raw(name);
        if (v == null) {
            return def;
        }
        if (!v.isArray()) {
            s.problem(name, "must be a list of polygons, each " + FORM);
            return def;
        }
        // A single polygon written without the outer list is a common slip: [[x, y], ...] rather than [[[x, y], ...]].
        if (v.size() > 0 && v.get(0).isArray() && v.get(0).size() > 0 && v.get(0).get(0).isNumber()) {
            s.problem(name, "must be a list of polygons; wrap the polygon in another list: [[[x, y], ...]]");
            return def;
        }
        List<Polygon> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            Polygon p = polygon(s, name + "[" + i + "]", v.get(i));
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** {@code zones}: a mapping of zone names to polygons. */
    static List<Zone> zones(Section s, String name) {
        JsonNode v = s.raw(name);
        if (v == null) {
            return List.of();
        }
        if (!v.isObject()) {
            s.problem(name, "must be a mapping of zone names to polygons, e.g. {door: [[0, 0.5], [0.2, 0.5],"
                    + " [0.2, 1], [0, 1]]}");
            return List.of();
        }
        List<Zone> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!ZONE_NAME.matcher(e.getKey()).matches()) {
                s.problem(name, "'" + e.getKey() + "' is not a valid zone name; use letters, digits, '_', '-', '.'");
                continue;
            }
            Polygon p = polygon(s, name + "." + e.getKey(), e.getValue());
            if (p != null) {
                out.add(new Zone(e.getKey(), p));
            }
        }
        return out;
    }

    private static Polygon polygon(Section s, String key, JsonNode v) {
        if (!v.isArray()) {
            s.problem(key, "must be " + FORM);
            return null;
        }
        List<Polygon.Point> points = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode p = v.get(i);
            if (!p.isArray() || p.size() != 2 || !p.get(0).isNumber() || !p.get(1).isNumber()) {
                s.problem(key + "[" + i + "]", "must be a point [x, y] of two numbers; the polygon is " + FORM);
                return null;
            }
            points.add(new Polygon.Point(p.get(0).asDouble(), p.get(1).asDouble()));
        }
        try {
            return new Polygon(points);
        } catch (IllegalArgumentException e) {
            s.problem(key, e.getMessage() + "; the polygon is " + FORM);
            return null;
        }
    }
}
