package io.edgecascade.cascade.api;

import java.util.Locale;

/**
 * What happened to a frame, counted per camera. A decoded frame is either {@code MOTION_SKIPPED} (gate
 * closed or throttled), {@code DROPPED} (a live source outran the detector) or {@code DETECTED};
 * {@code MOTION} counts frames that arrived while the gate was open, {@code POSITIVE} the detected frames
 * holding a configured class; {@code SAMPLED_OUT} counts frames the camera's {@code sampling:} skipped before
 * the gate.
 */
public enum Outcome {
    DECODED, MOTION, MOTION_SKIPPED, DETECTED, POSITIVE, DROPPED, DECODE_ERROR, SAMPLED_OUT,
    /** The detector threw on the frame (not an engine failure): the frame is skipped, the worker goes on. */
    DETECTOR_ERROR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
