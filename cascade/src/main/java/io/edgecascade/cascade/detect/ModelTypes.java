package io.edgecascade.cascade.detect;

import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.InferenceEngine;
import java.util.List;

/** The model families ({@code model.type}) this build can decode. */
public final class ModelTypes {

    public static final List<String> NAMES = List.of("yolox");

    private ModelTypes() {
    }

    /** Wraps an open engine in the detector for {@code type}; the engine is left open on failure. */
    public static ObjectDetector detector(String type, InferenceEngine engine, List<String> labels)
            throws EngineException {
        if ("yolox".equals(type)) {
            return YoloxDetector.create(engine, labels);
        }
        throw new EngineException("unknown model.type '" + type + "'; use one of " + NAMES);
    }
}
