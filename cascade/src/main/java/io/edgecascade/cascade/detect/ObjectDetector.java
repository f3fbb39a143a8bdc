package io.edgecascade.cascade.detect;

import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineInfo;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns a BGR frame into detections: pre-processing, an {@link io.edgecascade.engines.InferenceEngine} run,
 * decoding. One implementation per model family ({@code model.type}). Not thread-safe: a detector worker
 * owns one.
 */
public interface ObjectDetector extends AutoCloseable {

    /**
     * Detects objects scoring at least {@code minScore}, suppressing overlaps of the same class above
     * {@code nmsIou}.
     */
    DetectionResult detect(Mat bgr, float minScore, float nmsIou) throws EngineException;

    /**
     * The side of the model's square input in pixels, for detection on regions; 0 when the model's input is not
     * square or not known (the detector then always sees the whole frame).
     */
    default int inputSide() {
        return 0;
    }

    /** The class names, index = class id. */
    List<String> labels();

    /** The engine that runs the model. */
    EngineInfo engine();

    /** Closes the engine too. */
    @Override
    void close();
}
