package io.edgecascade.cascade.motion;

import java.util.Objects;

/**
 * A named area of a camera's picture ({@code zones:}). An object is in the zone when the bottom centre of its
 * box (where a person stands or a car touches the road) lies inside the polygon.
 */
public record Zone(String name, Polygon polygon) {
    public Zone {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(polygon, "polygon");
    }

    /** Whether a box (frame pixels) of a {@code width x height} frame stands in this zone. */
    public boolean holds(float x1, float y1, float x2, float y2, int width, int height) {
        return polygon.inPixels(width, height).contains((x1 + x2) / 2.0, y2);
    }
}
