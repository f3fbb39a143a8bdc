package io.edgecascade.cascade.pipeline;

/**
 * Which decoded frames a camera's motion gate sees ({@code sampling:}); the others are skipped before any
 * work is spent on them. Zero turns a rule off.
 *
 * @param everyN        only every n-th decoded frame (1 = all)
 * @param maxFps        at most this many frames per second of stream time
 * @param adaptiveMinFps {@code adaptive.min_fps}: the floor the rate decays to while nothing is tracked
 * @param adaptiveMaxFps {@code adaptive.max_fps}: the rate while objects are tracked; 0 = no adaptive rate
 */
public record SamplingSettings(int everyN, double maxFps, double adaptiveMinFps, double adaptiveMaxFps) {

    public static final SamplingSettings OFF = new SamplingSettings(1, 0, 0, 0);

    public SamplingSettings {
        if (everyN < 1 || maxFps < 0 || adaptiveMinFps < 0 || adaptiveMaxFps < adaptiveMinFps
                || (adaptiveMaxFps > 0 && adaptiveMinFps <= 0)) {
            throw new IllegalArgumentException("sampling needs every_n >= 1, max_fps >= 0, 0 < min_fps <= max_fps");
        }
    }

    public boolean adaptive() {
        return adaptiveMaxFps > 0;
    }
}
