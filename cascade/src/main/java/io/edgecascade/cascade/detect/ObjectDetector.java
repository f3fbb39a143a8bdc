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
     * Images one engine run takes ({@code pipeline.batch}, for a model rewritten to that batch): 1 for most models.
     * A detector of batch N runs a partial batch padded to N (the engine's shapes are fixed).
     */
    default int batch() {
        return 1;
    }

    /**
     * Detects on up to {@link #batch()} images in one engine run; the results in the order of {@code images}, each
     * image's inference time its share of the run's. The default runs them one by one (a model of batch 1). An engine
     * failure fails the whole batch.
     */
    default List<DetectionResult> detectBatch(List<DetectRequest> images) throws EngineException {
        List<DetectionResult> out = new java.util.ArrayList<>(images.size());
        for (DetectRequest r : images) {
            out.add(detect(r.bgr(), r.minScore(), r.nmsIou()));
        }
        return out;
    }

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
