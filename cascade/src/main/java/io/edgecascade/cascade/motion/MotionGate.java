package io.edgecascade.cascade.motion;

import io.edgecascade.cascade.api.MotionResult;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decides, frame by frame, whether the detector should see a frame: open while motion covers at least
 * {@code min_area} of the picture and for {@code cooldown_frames} after it stops, and within an open gate at
 * most one frame per {@code min_interval_ms} of stream time. With the gate disabled every frame passes.
 *
 * <p>Stream time (not wall time) paces {@code min_interval_ms}, so a file read faster than real time gets
 * the same decisions as the live camera would. A {@link GateHold} (the camera's tracked objects) can hold the gate
 * open without motion (then it passes a frame every {@value #HELD_INTERVAL_FACTOR} intervals, or every
 * {@code stationary.interval} when every object it follows is stationary) or let the next frame through early. Not thread-safe: one per camera.
 *
 * <p>When the hold knows confirmed objects ({@link GateHold#known}), a frame that would pass is first put to
 * {@link TrackedMotion}: motion inside their predicted boxes, or none at all, is no reason to look before one of them
 * is due ({@link Verdict#EXPLAINED}, {@link Verdict#NOT_DUE}); motion elsewhere passes at once, to be looked at alone
 * ({@link Decision#newMotion}) while no known object is due.
 */
public final class MotionGate implements AutoCloseable {

    /**
     * The gate's verdict on one frame.
     *
     * @param motion    what the motion detector saw
     * @param newMotion for a pass to look only at new motion (the known objects are not due, their regions are left
     *                  out of the look): the regions they do not explain; null for a full look
     */
    public record Decision(Verdict verdict, MotionResult motion, List<MotionResult.Region> newMotion) {
        public Decision(Verdict verdict, MotionResult motion) {
            this(verdict, motion, null);
        }

        public Decision {
            newMotion = newMotion == null ? null : List.copyOf(newMotion);
        }

        public boolean passes() {
            return verdict == Verdict.PASS;
        }

        /** A pass to look only at the new motion. */
        public boolean newMotionOnly() {
            return newMotion != null;
        }
    }

    /**
     * PASS: to the detector; THROTTLED: motion, but too soon after the last pass; STILL: no motion; EXPLAINED: motion,
     * all of it inside the predicted boxes of tracked objects not yet due for a look; NOT_DUE: held open (or cooling
     * down) without motion, no tracked object due for a look.
     */
    public enum Verdict {
        PASS, THROTTLED, STILL, EXPLAINED, NOT_DUE;

        /** A look the tracked objects made unnecessary. */
        public boolean known() {
            return this == EXPLAINED || this == NOT_DUE;
        }
    }

    /** Without motion, a gate held open by tracked objects passes a frame every this many min_interval_ms. */
    static final int HELD_INTERVAL_FACTOR = 2;

    private MotionSettings settings;
    private final MotionDetector detector;
    private final GateHold hold;
    private long framesSinceMotion = Long.MAX_VALUE;
    private long lastPassPtsMillis = Long.MIN_VALUE;
    /** The last pass that looked at the known objects too (not a new-motion-only one). */
    private long lastFullLookPtsMillis = Long.MIN_VALUE;

    public MotionGate(MotionSettings settings, MotionDetector detector) {
        this(settings, detector, GateHold.NONE);
    }

    /** @param hold keeps the gate open without motion, or lets a frame through early (tracked objects) */
    public MotionGate(MotionSettings settings, MotionDetector detector, GateHold hold) {
        this.settings = settings;
        this.detector = detector;
        this.hold = hold;
    }

    /** A gate with the standard background-difference detector. */
    public static MotionGate create(MotionSettings settings) {
        return new MotionGate(settings, new BackgroundDifferenceDetector(settings));
    }

    /** A gate with the standard detector, held as {@code hold} says. */
    public static MotionGate create(MotionSettings settings, GateHold hold) {
        return new MotionGate(settings, new BackgroundDifferenceDetector(settings), hold);
    }

    /**
     * A gate with the standard detector, held as {@code hold} says; a mask polygon that does not fit the frames (at
     * first, or after the camera changed resolution) goes to {@code misfit}.
     */
    public static MotionGate create(MotionSettings settings, GateHold hold, MotionMask.Misfit misfit) {
        return new MotionGate(settings, new BackgroundDifferenceDetector(settings, misfit), hold);
    }

    public Decision decide(Mat bgr, long ptsMillis) {
        return decide(bgr, false, ptsMillis);
    }

    /** Decides on a BGR frame or on the decoder's luma plane ({@code limitedRange}: video levels 16..235). */
    public Decision decide(Mat image, boolean limitedRange, long ptsMillis) {
        if (!settings.enabled()) {
            return new Decision(Verdict.PASS, MotionResult.NONE);
        }
        MotionResult motion = detector.detect(image, limitedRange);
        boolean moving = !motion.recalibrated() && motion.changedArea() >= settings.minArea()
                && motion.changedArea() > 0;
        if (moving) {
            framesSinceMotion = 0;
        } else if (framesSinceMotion != Long.MAX_VALUE) {
            framesSinceMotion++;
        }
        boolean open = framesSinceMotion <= settings.cooldownFrames();
        if (!open && !hold.holdOpen()) {
            return new Decision(Verdict.STILL, motion);
        }
        // Held open for a tracked object that stopped moving: a look every other interval is enough to see it
        // is still there, and keeps a person standing at a desk from costing the detector as much as one walking.
        long held = hold.heldIntervalMs();
        long interval = open ? settings.minIntervalMs()
                : held >= 0 ? held : HELD_INTERVAL_FACTOR * settings.minIntervalMs();
        if (interval > 0 && lastPassPtsMillis != Long.MIN_VALUE && ptsMillis - lastPassPtsMillis < interval
                && !hold.hurry()) {
            return new Decision(Verdict.THROTTLED, motion);
        }
        List<KnownObject> known = hold.hurry() ? List.of() : hold.known(); // a confirming look is a full one
        TrackedMotion.Plan plan = TrackedMotion.plan(moving ? motion.regions() : List.of(), known, ptsMillis,
                lastFullLookPtsMillis);
        switch (plan.look()) {
            case EXPLAINED:
                return new Decision(Verdict.EXPLAINED, motion);
            case NOT_DUE:
                return new Decision(Verdict.NOT_DUE, motion);
            case NEW_MOTION_ONLY:
                lastPassPtsMillis = ptsMillis;
                return new Decision(Verdict.PASS, motion, plan.unexplained());
            default:
                lastPassPtsMillis = ptsMillis;
                lastFullLookPtsMillis = ptsMillis;
                return new Decision(Verdict.PASS, motion);
        }
    }

    /**
     * The frame at {@code ptsMillis} this gate passed never reached the detector (a live camera's newer frame took its
     * place): if it was the last look at the known objects, they are judged from when they were last found again, so a
     * look that is due is not put off by one that never happened.
     */
    public void lookDropped(long ptsMillis) {
        if (ptsMillis == lastFullLookPtsMillis) {
            lastFullLookPtsMillis = Long.MIN_VALUE;
        }
    }

    /**
     * Uses new {@code threshold} and {@code min_area} (and the other per-frame values) from the next frame on,
     * keeping the background learnt so far. The frame height and mask stay as they were.
     */
    public void retune(MotionSettings newSettings) {
        settings = newSettings;
        detector.retune(newSettings);
    }

    /**
     * Draws what the detector saw in the last frame into {@code out} (BGR): its grey image with the pixels that
     * changed beyond the threshold in red. False when there is nothing to show yet (gate disabled, first frame).
     */
    public boolean debugView(Mat out) {
        return settings.enabled() && detector.debugView(out);
    }

    @Override
    public void close() {
        detector.close();
    }
}
