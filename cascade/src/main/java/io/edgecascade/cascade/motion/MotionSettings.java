package io.edgecascade.cascade.motion;

/**
 * A camera's motion gate settings (config section {@code motion:}).
 *
 * @param enabled          false: every frame goes to the detector
 * @param threshold        per-pixel change (0..255) of the blurred grey image that counts as motion
 * @param minArea          fraction of the frame (0..1) that must change to open the gate
 * @param cooldownFrames   the gate stays open this many frames after motion stops
 * @param minIntervalMs    while the gate is open, run the detector at most this often (0 = every frame)
 * @param frameHeight      the gate works on a grey copy scaled to this height
 * @param backgroundAlpha  weight of each new frame in the running-average background (0..1]
 * @param recalibrateArea  a change over this fraction of the frame (lights switched on) resets the background
 *                         instead of opening the gate
 * @param mask             polygons where motion is ignored (a clock overlay, a swaying tree); empty = none
 */
public record MotionSettings(boolean enabled, int threshold, double minArea, int cooldownFrames, long minIntervalMs,
        int frameHeight, double backgroundAlpha, double recalibrateArea, java.util.List<Polygon> mask) {

    public static final MotionSettings DEFAULTS = new MotionSettings(true, 25, 0.0005, 5, 500, 180, 0.3, 0.6);

    /** Settings without a motion mask. */
    public MotionSettings(boolean enabled, int threshold, double minArea, int cooldownFrames, long minIntervalMs,
            int frameHeight, double backgroundAlpha, double recalibrateArea) {
        this(enabled, threshold, minArea, cooldownFrames, minIntervalMs, frameHeight, backgroundAlpha, recalibrateArea,
                java.util.List.of());
    }

    public MotionSettings {
        mask = java.util.List.copyOf(mask);
        check(threshold >= 1 && threshold <= 255, "threshold must be 1..255");
        check(minArea >= 0 && minArea <= 1, "min_area must be 0..1");
        check(cooldownFrames >= 0, "cooldown_frames must be >= 0");
        check(minIntervalMs >= 0, "min_interval_ms must be >= 0");
        check(frameHeight >= 16 && frameHeight <= 2160, "frame_height must be 16..2160");
        check(backgroundAlpha > 0 && backgroundAlpha <= 1, "background_alpha must be in (0, 1]");
        check(recalibrateArea > 0 && recalibrateArea <= 1, "recalibrate_area must be in (0, 1]");
    }

    /** The same settings with the gate switched on or off (off: every frame goes to the detector). */
    public MotionSettings withEnabled(boolean on) {
        return new MotionSettings(on, threshold, minArea, cooldownFrames, minIntervalMs, frameHeight, backgroundAlpha,
                recalibrateArea, mask);
    }

    /** The same settings ignoring motion inside {@code polygons}. */
    public MotionSettings withMask(java.util.List<Polygon> polygons) {
        return new MotionSettings(enabled, threshold, minArea, cooldownFrames, minIntervalMs, frameHeight,
                backgroundAlpha, recalibrateArea, polygons);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
