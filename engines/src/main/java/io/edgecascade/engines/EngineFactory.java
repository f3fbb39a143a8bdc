package io.edgecascade.engines;

import io.edgecascade.engines.probe.HardwareProfile;
import java.util.Optional;

/**
 * Opens engines of one backend. One implementation per backend, registered in {@link EngineRegistry} under
 * the name users write in the config's {@code engine:} key. Backends outside this module register through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.edgecascade.engines.EngineFactory}).
 */
public interface EngineFactory {

    /** Registry key, e.g. {@code onnxruntime-cpu}. */
    String name();

    /** Loads the model; the message of a failure names the problem and the fix. */
    InferenceEngine open(EngineOptions options) throws EngineException;

    /**
     * Why this engine cannot run on {@code hardware}, judged from the probe alone (no model is loaded); empty when
     * it may. {@code edge-cascade probe} prints it, and the selector skips such engines when falling back.
     */
    default Optional<String> unavailable(HardwareProfile hardware) {
        return Optional.empty();
    }
}
