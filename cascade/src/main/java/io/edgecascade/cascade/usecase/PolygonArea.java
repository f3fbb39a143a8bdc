package io.edgecascade.cascade.usecase;

import io.edgecascade.cascade.api.Area;
import io.edgecascade.cascade.motion.Polygon;
import io.edgecascade.cascade.motion.Zone;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** An {@link Area} on a {@link Polygon}: a camera's zone, or a polygon a use case was given. Immutable. */
public final class PolygonArea implements Area {

    private final String name;
    private final Polygon polygon;

    public PolygonArea(String name, Polygon polygon) {
        this.name = Objects.requireNonNull(name, "name");
        this.polygon = Objects.requireNonNull(polygon, "polygon");
    }

    /** The area of a camera's zone. */
    public static PolygonArea of(Zone zone) {
        return new PolygonArea(zone.name(), zone.polygon());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean contains(double x, double y, int width, int height) {
        return width > 0 && height > 0 && polygon.inPixels(width, height).contains(x, y);
    }

    @Override
    public double[] corners(int width, int height) {
        List<Polygon.Point> pts = polygon.inPixels(width, height).points();
        double[] xy = new double[pts.size() * 2];
        for (int i = 0; i < pts.size(); i++) {
            xy[2 * i] = pts.get(i).x();
            xy[2 * i + 1] = pts.get(i).y();
        }
        return xy;
    }

    @Override
    public List<double[]> points() {
        List<double[]> out = new ArrayList<>();
        polygon.points().forEach(p -> out.add(new double[] {p.x(), p.y()}));
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolygonArea a && a.name.equals(name) && a.polygon.equals(polygon);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, polygon);
    }

    @Override
    public String toString() {
        return name + " (" + polygon.describe() + ")";
    }
}
