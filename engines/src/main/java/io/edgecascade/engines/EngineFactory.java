package io.edgecascade.engines;

/**
 * Opens engines of one backend. One implementation per backend, registered in {@link EngineRegistry} under
 * the name users write in the config's {@code engine:} key.
 */
public interface EngineFactory {

    /** Registry key, e.g. {@code onnxruntime-cpu}. */
    String name();

    /** Loads the model; the message of a failure names the problem and the fix. */
    InferenceEngine open(EngineOptions options) throws EngineException;
}
