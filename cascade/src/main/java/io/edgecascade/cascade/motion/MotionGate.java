package io.edgecascade.cascade.motion;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decides, frame by frame, whether the detector should see a frame: open while motion covers at least
 * {@code min_area} of the picture and for {@code cooldown_frames} after it stops, and within an open gate at
 * most one frame per {@code min_interval_ms} of stream time. With the gate disabled every frame passes.
 *
 * <p>Stream time (not wall time) paces {@code min_interval_ms}, so a file read faster than real time gets
 * the same decisions as the live camera would. Not thread-safe: one per camera.
 */
public final class MotionGate implements AutoCloseable {

    /** The gate's verdict on one frame. */
    public record Decision(Verdict verdict, MotionResult motion) {
        public boolean passes() {
            return verdict == Verdict.PASS;
        }
    }

    /** PASS: to the detector; THROTTLED: motion, but too soon after the last pass; STILL: no motion. */
    public enum Verdict { PASS, THROTTLED, STILL }

    private final MotionSettings settings;
    private final MotionDetector detector;
    private final java.util.function.BooleanSupplier holdOpen;
    private long framesSinceMotion = Long.MAX_VALUE;
    private long lastPassPtsMillis = Long.MIN_VALUE;

    public MotionGate(MotionSettings settings, MotionDetector detector) {
        this(settings, detector, () -> false);
    }

    /**
     * @param holdOpen asked on every frame without motion: true keeps the gate open (objects are being tracked,
     *                 and one that stops moving must not be lost)
     */
    public MotionGate(MotionSettings settings, MotionDetector detector, java.util.function.BooleanSupplier holdOpen) {
        this.settings = settings;
        this.detector = detector;
        this.holdOpen = holdOpen;
    }

    /** A gate with the standard background-difference detector. */
    public static MotionGate create(MotionSettings settings) {
        return new MotionGate(settings, new BackgroundDifferenceDetector(settings));
    }

    /** A gate with the standard detector, held open while {@code holdOpen} says so. */
    public static MotionGate create(MotionSettings settings, java.util.function.BooleanSupplier holdOpen) {
        return new MotionGate(settings, new BackgroundDifferenceDetector(settings), holdOpen);
    }

    public Decision decide(Mat bgr, long ptsMillis) {
        if (!settings.enabled()) {
            return new Decision(Verdict.PASS, MotionResult.NONE);
        }
        MotionResult motion = detector.detect(bgr);
        boolean moving = !motion.recalibrated() && motion.changedArea() >= settings.minArea()
                && motion.changedArea() > 0;
        if (moving) {
            framesSinceMotion = 0;
        } else if (framesSinceMotion != Long.MAX_VALUE) {
            framesSinceMotion++;
        }
        boolean open = framesSinceMotion <= settings.cooldownFrames() || holdOpen.getAsBoolean();
        if (!open) {
            return new Decision(Verdict.STILL, motion);
        }
        if (settings.minIntervalMs() > 0 && lastPassPtsMillis != Long.MIN_VALUE
                && ptsMillis - lastPassPtsMillis < settings.minIntervalMs()) {
            return new Decision(Verdict.THROTTLED, motion);
        }
        lastPassPtsMillis = ptsMillis;
        return new Decision(Verdict.PASS, motion);
    }

    @Override
    public void close() {
        detector.close();
    }
}
