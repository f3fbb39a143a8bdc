package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.engines.EngineException;

/**
 * Opens a detector worker's engine session: the cascade calls it when a worker restarts its session after
 * {@code pipeline.error_budget} failures in a row (the first sessions are opened before the run, where a model or
 * engine problem is a start-up error).
 */
@FunctionalInterface
public interface DetectorFactory {

    /** A factory for cascades whose detectors cannot be opened again: a restart is then a fatal failure. */
    DetectorFactory NONE = () -> {
        throw new EngineException("this detector cannot be reopened (no factory was given)");
    };

    /** A new, independent session (one worker's); the caller closes it. */
    ObjectDetector open() throws EngineException;
}
