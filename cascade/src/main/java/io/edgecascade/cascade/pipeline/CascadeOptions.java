package io.edgecascade.cascade.pipeline;

import java.time.Duration;

/**
 * Sizes and intervals of the cascade as a whole.
 *
 * @param detectorQueue    gated frames waiting for a detector worker (shared by all cameras)
 * @param outputQueue      positive frames waiting for the sinks
 * @param progressInterval how often each camera's progress line is logged; zero disables it
 */
public record CascadeOptions(int detectorQueue, int outputQueue, Duration progressInterval) {

    public static final CascadeOptions DEFAULTS = new CascadeOptions(8, 64, Duration.ofSeconds(10));

    public CascadeOptions {
        if (detectorQueue < 1 || outputQueue < 1) {
            throw new IllegalArgumentException("queue sizes must be at least 1");
        }
    }
}
