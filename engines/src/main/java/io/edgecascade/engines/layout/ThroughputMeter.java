package io.edgecascade.engines.layout;

import io.edgecascade.engines.EngineException;

/** Measures how many inferences per second a layout sustains; the real one runs the engine, tests fake it. */
@FunctionalInterface
public interface ThroughputMeter {
    double inferencesPerSecond(WorkerLayout layout) throws EngineException;
}
