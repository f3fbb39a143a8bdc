package io.edgecascade.cascade.detect;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineInfo;
import io.edgecascade.engines.InferenceEngine;
import io.edgecascade.engines.TensorSpec;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * YOLOX ({@code model.type: yolox}): {@link Letterbox}, one engine run, {@link YoloxDecoder}. A model rewritten to a
 * batch of N ({@code pipeline.batch}, {@link io.edgecascade.cascade.quantize.BatchRewrite}) has N letterboxes, one per
 * image of the input tensor, and decodes each image's rows of the output; a partial batch runs padded (the slots it
 * does not fill keep their last image, whose output is not read).
 */
public final class YoloxDetector implements ObjectDetector {

    /**
     * What the model's output must be. The decoder applies the grid offsets and strides itself, so a model exported
     * with YOLOX's {@code --decode_in_inference} would be decoded twice (boxes far off the frame).
     */
    static final String RAW_HEAD = "the raw head output, exported with YOLOX's tools/export_onnx.py without"
            + " --decode_in_inference (edge-cascade applies the grid and strides itself)";

    private final InferenceEngine engine;
    private final List<String> labels;
    /** One per image of the batch, each writing its image's part of the input tensor. */
    private final Letterbox[] letterboxes;
    private final YoloxDecoder decoder;
    private final int inputSide;
    /** Floats of one image's output rows. */
    private final int outputFloats;

    private YoloxDetector(InferenceEngine engine, List<String> labels, Letterbox[] letterboxes, YoloxDecoder decoder,
            int inputSide, int outputFloats) {
        this.engine = engine;
        this.labels = labels;
        this.letterboxes = letterboxes;
        this.decoder = decoder;
        this.inputSide = inputSide;
        this.outputFloats = outputFloats;
    }

    /**
     * Wraps an open engine after checking that its model is a YOLOX detector matching the labels. On failure
     * the engine is left open for the caller to close.
     */
    public static YoloxDetector create(InferenceEngine engine, List<String> labels) throws EngineException {
        String model = engine.info().model();
        if (engine.inputs().size() != 1) {
            throw new EngineException("model " + model + " has " + engine.inputs().size()
                    + " inputs, expected one image input [N,3,H,W]; use a YOLOX detector exported to ONNX");
        }
        TensorSpec in = engine.inputs().get(0);
        long[] s = in.shape();
        if (s.length != 4 || s[0] < 1 || s[1] != 3 || s[2] < 32 || s[3] < 32) {
            throw new EngineException("model " + model + " input '" + in.name() + "' is " + Arrays.toString(s)
                    + ", expected [N,3,H,W] (N BGR images, channels first); use a YOLOX detector exported to ONNX");
        }
        int batch = (int) s[0];
        int height = (int) s[2];
        int width = (int) s[3];
        if (engine.outputs().size() != 1) {
            throw new EngineException("model " + model + " has " + engine.outputs().size()
                    + " outputs, expected one [N,anchors,5+classes] YOLOX head output; " + RAW_HEAD);
        }
        long[] o = engine.outputs().get(0).shape();
        int anchors = YoloxDecoder.anchorCount(width, height);
        if (o.length != 3 || o[0] != batch || o[1] != anchors || o[2] < 6) {
            throw new EngineException("model " + model + " output is " + Arrays.toString(o) + ", expected [" + batch
                    + ","
                    + anchors + ",5+classes] for a " + width + "x" + height + " YOLOX model (" + RAW_HEAD
                    + "); check model.type");
        }
        int classes = (int) o[2] - 5;
        if (classes != labels.size()) {
            throw new EngineException("model " + model + " predicts " + classes + " classes but the labels file has "
                    + labels.size() + " names; point model.labels at the model's class list");
        }
        int imageFloats = 3 * width * height;
        Letterbox[] letterboxes = new Letterbox[batch];
        for (int i = 0; i < batch; i++) {
            letterboxes[i] = new Letterbox(slice(engine.input(0), i, imageFloats), width, height);
        }
        return new YoloxDetector(engine, List.copyOf(labels), letterboxes, new YoloxDecoder(width, height, labels),
                width == height ? width : 0, anchors * (int) o[2]);
    }

    /** Image {@code index}'s part of a batched tensor. */
    private static FloatBuffer slice(FloatBuffer tensor, int index, int floats) {
        return tensor.duplicate().position(index * floats).limit((index + 1) * floats).slice();
    }

    @Override
    public DetectionResult detect(Mat bgr, float minScore, float nmsIou) throws EngineException {
        return detectBatch(List.of(new DetectRequest(bgr, minScore, nmsIou))).get(0);
    }

    @Override
    public List<DetectionResult> detectBatch(List<DetectRequest> images) throws EngineException {
        int n = images.size();
        if (n < 1 || n > letterboxes.length) {
            throw new IllegalArgumentException("a batch of " + n + " images on a model of batch "
                    + letterboxes.length);
        }
        long[] pre = new long[n];
        double[] ratios = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            ratios[i] = letterboxes[i].apply(images.get(i).bgr());
            pre[i] = System.nanoTime() - t0;
        }
        long t1 = System.nanoTime();
        engine.infer();
        long inference = (System.nanoTime() - t1) / n;
        FloatBuffer output = engine.output(0);
        List<DetectionResult> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            DetectRequest r = images.get(i);
            long t2 = System.nanoTime();
            List<Detection> detections = decoder.decode(n == 1 && letterboxes.length == 1 ? output
                    : slice(output, i, outputFloats), ratios[i], r.bgr().cols(), r.bgr().rows(), r.minScore(),
                    r.nmsIou());
            out.add(new DetectionResult(detections, pre[i], inference, System.nanoTime() - t2));
        }
        return out;
    }

    @Override
    public int batch() {
        return letterboxes.length;
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
        for (Letterbox l : letterboxes) {
            l.close();
        }
        engine.close();
    }
}
