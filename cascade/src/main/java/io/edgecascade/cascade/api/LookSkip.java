package io.edgecascade.cascade.api;

import java.util.Locale;

/**
 * Why a look of the detector at a camera's frame was skipped or narrowed because of what the camera's tracker already
 * knows ({@code tracking.look_again_max_s}), counted per camera.
 */
public enum LookSkip {
    /** The gate saw motion, all of it inside the predicted boxes of tracked objects not yet due for a look. */
    EXPLAINED_BY_TRACKS,
    /** The gate was held open for tracked objects (or cooling down) without motion, and none was due for a look. */
    TRACKS_NOT_DUE,
    /** The detector looked only at new motion: the regions of tracked objects not yet due were left out. */
    REGION_ONLY;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
