package io.edgecascade.cascade.motion;

import io.edgecascade.cascade.api.MotionResult;
import java.util.ArrayList;
import java.util.List;

/**
 * What a camera's tracked objects make of a frame the gate would pass ({@code tracking.look_again_max_s}): motion that
 * lies inside the predicted boxes of known objects needs no look until one of them is due on its schedule; motion
 * elsewhere is new and gets a look at once, but only at itself while no known object is due. Pure arithmetic on
 * boxes, no pixels.
 *
 * <p>A region is explained when at least {@value #EXPLAINED_SHARE} of its area lies inside one predicted box grown
 * by {@value #MARGIN} of the box's larger side on each side (the background difference trails a walking person and
 * the dilation widens it; the prediction drifts between looks).
 */
public final class TrackedMotion {

    /** Whether to look, and at what. */
    public enum Look {
        /** Look at the whole picture (the known objects and the motion): no known objects, or one is due. */
        FULL,
        /** Look only at the motion the known objects do not explain; none of them is due. */
        NEW_MOTION_ONLY,
        /** No look: every bit of motion lies inside a known object's predicted box and none is due. */
        EXPLAINED,
        /** No look: no motion on the frame (the gate is held open or cooling down) and no known object is due. */
        NOT_DUE
    }

    /**
     * The plan for one frame.
     *
     * @param unexplained the motion regions no known object explains (what a {@link Look#NEW_MOTION_ONLY} look sees)
     */
    public record Plan(Look look, List<MotionResult.Region> unexplained) {
        public Plan {
            unexplained = List.copyOf(unexplained);
        }
    }

    /** A predicted box is grown by this share of its larger side on each side before it explains motion. */
    static final double MARGIN = 0.3;
    /** This share of a motion region's area inside one grown predicted box explains it. */
    static final double EXPLAINED_SHARE = 0.8;

    private static final Plan FULL = new Plan(Look.FULL, List.of());

    private TrackedMotion() {
    }

    /**
     * @param motion     the frame's motion regions (empty: no motion on this frame)
     * @param known      the confirmed objects the camera follows (empty: the look is a full one, as without tracks)
     * @param ptsMs      the frame's stream time
     * @param lastLookMs the stream time of the gate's last full look (Long.MIN_VALUE: none yet)
     */
    public static Plan plan(List<MotionResult.Region> motion, List<KnownObject> known, long ptsMs, long lastLookMs) {
        if (known.isEmpty()) {
            return FULL;
        }
        List<float[]> predicted = new ArrayList<>(known.size());
        for (KnownObject k : known) {
            if (k.due(ptsMs, lastLookMs)) {
                return FULL;
            }
            predicted.add(grown(k.boxAt(ptsMs)));
        }
        if (motion.isEmpty()) {
            return new Plan(Look.NOT_DUE, List.of());
        }
        List<MotionResult.Region> unexplained = new ArrayList<>();
        for (MotionResult.Region r : motion) {
            if (!explained(r, predicted)) {
                unexplained.add(r);
            }
        }
        return unexplained.isEmpty() ? new Plan(Look.EXPLAINED, List.of())
                : new Plan(Look.NEW_MOTION_ONLY, unexplained);
    }

    private static float[] grown(float[] b) {
        float m = (float) (MARGIN * Math.max(b[2] - b[0], b[3] - b[1]));
        return new float[] {b[0] - m, b[1] - m, b[2] + m, b[3] + m};
    }

    private static boolean explained(MotionResult.Region r, List<float[]> boxes) {
        double area = Math.max(1.0, (double) r.width() * r.height());
        for (float[] b : boxes) {
            double w = Math.min(r.x() + r.width(), b[2]) - Math.max(r.x(), b[0]);
            double h = Math.min(r.y() + r.height(), b[3]) - Math.max(r.y(), b[1]);
            if (w > 0 && h > 0 && w * h >= EXPLAINED_SHARE * area) {
                return true;
            }
        }
        return false;
    }
}
