package io.edgecascade.cascade.api;

import java.util.Locale;

/**
 * Where a supervised camera stands: {@code CONNECTING} (opening the input), {@code STREAMING} (frames
 * arrive), {@code BACKOFF} (waiting before the next attempt after a failure), {@code STALLED} (the watchdog found no
 * frame for {@code stall_seconds}; the input is being closed and will be reopened).
 */
public enum CameraState {
    CONNECTING, STREAMING, BACKOFF, STALLED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
