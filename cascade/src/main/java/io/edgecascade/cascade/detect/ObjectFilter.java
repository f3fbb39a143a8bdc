package io.edgecascade.cascade.detect;

import io.edgecascade.cascade.api.Detection;

/**
 * Which detections of one label count ({@code detector.filters.<label>}): a box smaller than {@code minArea} or larger
 * than {@code maxArea}, narrower than {@code minRatio} or wider than {@code maxRatio} (width / height), or scoring below
 * {@code minScore} is dropped before tracking, as if the detector had not found it. Areas up to 1 are fractions of the
 * frame, larger ones pixels.
 */
public record ObjectFilter(double minArea, double maxArea, double minRatio, double maxRatio, double minScore) {

    /** Lets everything through. */
    public static final ObjectFilter NONE = new ObjectFilter(0, Double.POSITIVE_INFINITY, 0, Double.POSITIVE_INFINITY,
            0);

    public ObjectFilter {
        if (minArea < 0 || maxArea < 0 || minRatio < 0 || maxRatio < 0 || minScore < 0 || minScore > 1) {
            throw new IllegalArgumentException("filter values must be positive (min_score 0..1)");
        }
    }

    /** Whether {@code d}, in a {@code width x height} frame, passes. */
    public boolean keeps(Detection d, int width, int height) {
        if (d.score() < minScore) {
            return false;
        }
        double w = Math.max(0, d.width());
        double h = Math.max(0, d.height());
        double area = w * h;
        double frame = (double) width * height;
        if (area < pixels(minArea, frame) || area > pixels(maxArea, frame)) {
            return false;
        }
        double ratio = h <= 0 ? Double.POSITIVE_INFINITY : w / h;
        return ratio >= minRatio && ratio <= maxRatio;
    }

    private static double pixels(double area, double frame) {
        return area <= 1 ? area * frame : area;
    }
}
