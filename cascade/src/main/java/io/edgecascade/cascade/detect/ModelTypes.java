package io.edgecascade.cascade.detect;

import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.InferenceEngine;
import java.util.List;

/**
 * The model families ({@code models[].type}) this build can decode: {@code yolox}, an object detector, and
 * {@code classifier}, an image classifier (softmax over its labels) that runs on the boxes of a detector
 * ({@code detect[].after}).
 */
public final class ModelTypes {

    public static final String YOLOX = "yolox";
    public static final String CLASSIFIER = "classifier";
    public static final List<String> NAMES = List.of(YOLOX, CLASSIFIER);

    private ModelTypes() {
    }

    /** Whether models of {@code type} find boxes (a detector) rather than classify a whole image. */
    public static boolean findsBoxes(String type) {
        return !CLASSIFIER.equals(type);
    }

    /** Wraps an open engine in the detector for {@code type}; the engine is left open on failure. */
    public static ObjectDetector detector(String type, InferenceEngine engine, List<String> labels)
            throws EngineException {
        return detector(type, engine, labels, ImageInput.DEFAULTS);
    }

    /** Like {@link #detector(String, InferenceEngine, List)}; {@code input} says how a classifier's input is made. */
    public static ObjectDetector detector(String type, InferenceEngine engine, List<String> labels, ImageInput input)
            throws EngineException {
        if (YOLOX.equals(type)) {
            return YoloxDetector.create(engine, labels);
        }
        if (CLASSIFIER.equals(type)) {
            return ClassifierDetector.create(engine, labels, input);
        }
        throw new EngineException("unknown model type '" + type + "'; use one of " + NAMES);
    }
}
