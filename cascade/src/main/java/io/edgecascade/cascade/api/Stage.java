package io.edgecascade.cascade.api;

import java.util.Locale;

/** The timed steps a frame goes through; {@link #label()} is the name used in metrics and reports. */
public enum Stage {
    DECODE, MOTION, PREPROCESS, INFERENCE, POSTPROCESS, ENCODE, FORWARD;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
