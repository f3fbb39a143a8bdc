package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.motion.GateHold;

/**
 * Applies a camera's {@link SamplingSettings} to its decoded frames, in stream time. The adaptive rate jumps to
 * {@code max_fps} while the camera's tracker holds objects (detections keep coming) and halves every second
 * without them, down to {@code min_fps}: a busy scene is watched closely, an empty one cheaply. Not thread-safe:
 * one per camera, on its capture thread.
 */
final class FrameSampler {

    private final SamplingSettings settings;
    private final GateHold activity;
    private long decoded;
    private long lastPassPts = Long.MIN_VALUE;
    private long lastDecayPts = Long.MIN_VALUE;
    private double adaptiveFps;

    /** @param activity true while the camera has tracked objects (drives the adaptive rate) */
    FrameSampler(SamplingSettings settings, GateHold activity) {
        this.settings = settings;
        this.activity = activity;
        this.adaptiveFps = settings.adaptiveMinFps();
    }

    /** Whether the frame at {@code ptsMillis} goes on to the gate. */
    boolean take(long ptsMillis) {
        if (settings.everyN() > 1 && decoded++ % settings.everyN() != 0) {
            return false;
        }
        double fps = settings.maxFps();
        if (settings.adaptive()) {
            adapt(ptsMillis);
            fps = fps > 0 ? Math.min(fps, adaptiveFps) : adaptiveFps;
        }
        if (fps > 0 && lastPassPts != Long.MIN_VALUE && ptsMillis - lastPassPts < 1000.0 / fps - 0.5) {
            return false;
        }
        lastPassPts = ptsMillis;
        return true;
    }

    private void adapt(long ptsMillis) {
        if (activity.holdOpen()) {
            adaptiveFps = settings.adaptiveMaxFps();
            lastDecayPts = ptsMillis;
        } else if (lastDecayPts == Long.MIN_VALUE) {
            lastDecayPts = ptsMillis;
        } else if (ptsMillis - lastDecayPts >= 1000) {
            adaptiveFps = Math.max(settings.adaptiveMinFps(), adaptiveFps / 2);
            lastDecayPts = ptsMillis;
        }
    }

    /** The adaptive rate now (frames per second), for tests and logs. */
    double adaptiveFps() {
        return adaptiveFps;
    }
}
