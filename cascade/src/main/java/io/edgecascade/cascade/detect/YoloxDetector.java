package io.edgecascade.cascade.detect;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineInfo;
import io.edgecascade.engines.InferenceEngine;
import io.edgecascade.engines.TensorSpec;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/** YOLOX ({@code model.type: yolox}): {@link Letterbox}, one engine run, {@link YoloxDecoder}. */
public final class YoloxDetector implements ObjectDetector {

    /**
     * What the model's output must be. The decoder applies the grid offsets and strides itself, so a model exported
     * with YOLOX's {@code --decode_in_inference} would be decoded twice (boxes far off the frame).
     */
    static final String RAW_HEAD = "the raw head output, exported with YOLOX's tools/export_onnx.py without"
            + " --decode_in_inference (edge-cascade applies the grid and strides itself)";

    private final InferenceEngine engine;
    private final List<String> labels;
    private final Letterbox letterbox;
    private final YoloxDecoder decoder;
    private final int inputSide;

    private YoloxDetector(InferenceEngine engine, List<String> labels, Letterbox letterbox, YoloxDecoder decoder,
            int inputSide) {
        this.engine = engine;
        this.labels = labels;
        this.letterbox = letterbox;
        this.decoder = decoder;
        this.inputSide = inputSide;
    }

    /**
     * Wraps an open engine after checking that its model is a YOLOX detector matching the labels. On failure
     * the engine is left open for the caller to close.
     */
    public static YoloxDetector create(InferenceEngine engine, List<String> labels) throws EngineException {
        String model = engine.info().model();
        if (engine.inputs().size() != 1) {
            throw new EngineException("model " + model + " has " + engine.inputs().size()
                    + " inputs, expected one image input [1,3,H,W]; use a YOLOX detector exported to ONNX");
        }
        TensorSpec in = engine.inputs().get(0);
        long[] s = in.shape();
        if (s.length != 4 || s[0] != 1 || s[1] != 3 || s[2] < 32 || s[3] < 32) {
            throw new EngineException("model " + model + " input '" + in.name() + "' is " + Arrays.toString(s)
                    + ", expected [1,3,H,W] (one BGR image, channels first); use a YOLOX detector exported to ONNX");
        }
        int height = (int) s[2];
        int width = (int) s[3];
        if (engine.outputs().size() != 1) {
            throw new EngineException("model " + model + " has " + engine.outputs().size()
                    + " outputs, expected one [1,N,5+classes] YOLOX head output; " + RAW_HEAD);
        }
        long[] o = engine.outputs().get(0).shape();
        int anchors = YoloxDecoder.anchorCount(width, height);
        if (o.length != 3 || o[0] != 1 || o[1] != anchors || o[2] < 6) {
            throw new EngineException("model " + model + " output is " + Arrays.toString(o) + ", expected [1,"
                    + anchors + ",5+classes] for a " + width + "x" + height + " YOLOX model (" + RAW_HEAD
                    + "); check model.type");
        }
        int classes = (int) o[2] - 5;
        if (classes != labels.size()) {
            throw new EngineException("model " + model + " predicts " + classes + " classes but the labels file has "
                    + labels.size() + " names; point model.labels at the model's class list");
        }
        Letterbox letterbox = new Letterbox(engine.input(0), width, height);
        return new YoloxDetector(engine, List.copyOf(labels), letterbox, new YoloxDecoder(width, height, labels),
                width == height ? width : 0);
    }

    @Override
    public DetectionResult detect(Mat bgr, float minScore, float nmsIou) throws EngineException {
        long t0 = System.nanoTime();
        double ratio = letterbox.apply(bgr);
        long t1 = System.nanoTime();
        engine.infer();
        long t2 = System.nanoTime();
        List<Detection> detections = decoder.decode(engine.output(0), ratio, bgr.cols(), bgr.rows(), minScore, nmsIou);
        long t3 = System.nanoTime();
        return new DetectionResult(detections, t1 - t0, t2 - t1, t3 - t2);
    }

    @Override
    public int inputSide() {
        return inputSide;
    }

    @Override
    public List<String> labels() {
        return labels;
    }

    @Override
    public EngineInfo engine() {
        return engine.info();
    }

    @Override
    public void close() {
        letterbox.close();
        engine.close();
    }
}
