package io.edgecascade.cascade.motion;

import java.util.List;
import java.util.Locale;

/**
 * A polygon on a camera's picture, for motion masks and zones. Its points are either frame pixels or fractions
 * of the frame (0..1): a polygon whose coordinates all lie within 0..1 is read as fractions (a pixel polygon that
 * small would cover a single pixel), any other as pixels. Fractions survive a change of the camera's resolution.
 *
 * @param points the corners in order, at least 3
 */
public record Polygon(List<Point> points) {

    /** One corner. */
    public record Point(double x, double y) {
    }

    public Polygon {
        points = List.copyOf(points);
        if (points.size() < 3) {
            throw new IllegalArgumentException("a polygon needs at least 3 points, got " + points.size());
        }
        for (Point p : points) {
            if (!(p.x() >= 0 && p.y() >= 0) || Double.isInfinite(p.x()) || Double.isInfinite(p.y())) {
                throw new IllegalArgumentException("point (" + fmt(p.x()) + ", " + fmt(p.y())
                        + ") has a negative or invalid coordinate");
            }
        }
    }

    /** A polygon from {x, y} pairs. */
    public static Polygon of(double... xy) {
        if (xy.length % 2 != 0) {
            throw new IllegalArgumentException("coordinates come in x, y pairs");
        }
        List<Point> pts = new java.util.ArrayList<>();
        for (int i = 0; i < xy.length; i += 2) {
            pts.add(new Point(xy[i], xy[i + 1]));
        }
        return new Polygon(pts);
    }

    /** True when the points are fractions of the frame rather than pixels. */
    public boolean fractions() {
        return points.stream().allMatch(p -> p.x() <= 1 && p.y() <= 1);
    }

    /**
     * Null when the polygon fits a {@code width x height} frame, else what is wrong (the first point outside).
     */
    public String problemFor(int width, int height) {
        if (fractions()) {
            return null;
        }
        for (Point p : points) {
            if (p.x() > width || p.y() > height) {
                return "point (" + fmt(p.x()) + ", " + fmt(p.y()) + ") is outside the " + width + "x" + height
                        + " frame; use pixels within the frame or fractions 0..1";
            }
        }
        return null;
    }

    /** This polygon in pixels of a {@code width x height} frame. */
    public Polygon inPixels(int width, int height) {
        if (!fractions()) {
            return this;
        }
        return new Polygon(points.stream().map(p -> new Point(p.x() * width, p.y() * height)).toList());
    }

    /** Whether ({@code x}, {@code y}) lies inside (even-odd rule); the polygon must be in the same units. */
    public boolean contains(double x, double y) {
        boolean inside = false;
        int n = points.size();
        for (int i = 0, j = n - 1; i < n; j = i++) {
            Point a = points.get(i);
            Point b = points.get(j);
            if ((a.y() > y) != (b.y() > y) && x < (b.x() - a.x()) * (y - a.y()) / (b.y() - a.y()) + a.x()) {
                inside = !inside;
            }
        }
        return inside;
    }

    /** Area in the polygon's own units (shoelace formula; self-intersecting polygons count their net area). */
    public double area() {
        double s = 0;
        int n = points.size();
        for (int i = 0, j = n - 1; i < n; j = i++) {
            s += points.get(j).x() * points.get(i).y() - points.get(i).x() * points.get(j).y();
        }
        return Math.abs(s) / 2;
    }

    /** Short description for {@code config validate}: point count and units. */
    public String describe() {
        return points.size() + " points in " + (fractions() ? "fractions of the frame" : "pixels")
                + (fractions() ? String.format(Locale.ROOT, ", %.1f%% of the frame", 100 * area()) : "");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
