package io.edgecascade.cascade.source;

import io.edgecascade.cascade.api.CameraState;

/**
 * What a {@link SupervisedSource} reports about its camera's connection; called on the capture thread, so
 * implementations only record (counters, a volatile field).
 */
public interface SourceHealth {

    SourceHealth NONE = new SourceHealth() {
    };

    /** The camera entered {@code state}; {@code lastError} is the latest failure (null before any). */
    default void state(CameraState state, String lastError) {
    }

    /** A connection after a failure or stream end succeeded (the first connection is not a reconnect). */
    default void reconnected() {
    }

    /** The stall watchdog closed the input. */
    default void stalled() {
    }
}
