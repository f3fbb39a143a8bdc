package io.edgecascade.cascade.api;

import java.util.List;

/**
 * What the motion detector saw in one frame.
 *
 * @param changedArea  fraction of the frame (0..1) whose pixels changed beyond the threshold
 * @param regions      bounding boxes of the changed regions, in frame pixels
 * @param recalibrated true when a change of most of the frame reset the background (not counted as motion)
 */
public record MotionResult(double changedArea, List<Region> regions, boolean recalibrated) {

    public static final MotionResult NONE = new MotionResult(0, List.of(), false);

    public MotionResult {
        regions = List.copyOf(regions);
    }

    /** An axis-aligned box in frame pixels. */
    public record Region(int x, int y, int width, int height) {
    }
}
