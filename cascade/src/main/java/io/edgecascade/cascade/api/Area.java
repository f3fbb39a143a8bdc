package io.edgecascade.cascade.api;

import java.util.List;

/**
 * A region of a camera's picture a use case watches: one of the camera's {@code zones} or a polygon of its own, in
 * frame pixels or in fractions of the frame (a polygon whose coordinates all lie within 0..1), so it follows a change
 * of resolution. Immutable and thread-safe.
 */
public interface Area {

    /** The zone's name, or the use-case key the polygon was given under. */
    String name();

    /** Whether the point ({@code x}, {@code y}) in pixels of a {@code width x height} frame lies inside. */
    boolean contains(double x, double y, int width, int height);

    /** The corners in pixels of a {@code width x height} frame, as x, y pairs (for drawing). */
    double[] corners(int width, int height);

    /** The corners as given, {x, y} each. */
    List<double[]> points();
}
