package io.edgecascade.cloud;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.detect.Letterbox;
import io.edgecascade.cascade.detect.YoloxDecoder;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.EngineRegistry;
import io.edgecascade.engines.InferenceEngine;
import io.edgecascade.engines.OnnxRuntimeCpuEngine;
import io.edgecascade.engines.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One YOLOX ONNX model served by the reference cloud server, on ONNX Runtime. Takes a BGR image of any size
 * (letterboxed like the edge detector does) or the model's own FP32 [1,3,H,W] input. One inference at a time.
 */
final class ServedModel implements AutoCloseable {

    /** Detections of one request: boxes are x1,y1,x2,y2 in the pixels of the image the request carried. */
    record Result(float[] boxes, float[] scores, long[] classIds) {
        int count() {
            return scores.length;
        }
    }

    static final float MIN_SCORE = 0.25f;
    static final float NMS_IOU = 0.45f;

    private final String name;
    private final Path path;
    private final InferenceEngine engine;
    private final Letterbox letterbox;
    private final YoloxDecoder decoder;
    private final int width;
    private final int height;

    private ServedModel(String name, Path path, InferenceEngine engine, int width, int height, int classes) {
        this.name = name;
        this.path = path;
        this.engine = engine;
        this.width = width;
        this.height = height;
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            labels.add("class" + i);
        }
        this.letterbox = new Letterbox(engine.input(0), width, height);
        this.decoder = new YoloxDecoder(width, height, labels);
    }

    /** Loads a YOLOX model; the message of a failure names the model and what is wrong. */
    static ServedModel load(String name, Path path, int threads) throws EngineException {
        InferenceEngine engine = EngineRegistry.standard().open(OnnxRuntimeCpuEngine.NAME,
                new EngineOptions(path, threads));
        try {
            if (engine.inputs().size() != 1 || engine.outputs().size() != 1) {
                throw new EngineException("model " + name + " (" + path + ") has " + engine.inputs().size()
                        + " inputs and " + engine.outputs().size() + " outputs; the reference server runs YOLOX"
                        + " detectors (one [1,3,H,W] input, one [1,N,5+classes] output)");
            }
            long[] in = engine.inputs().get(0).shape();
            long[] out = engine.outputs().get(0).shape();
            if (in.length != 4 || in[0] != 1 || in[1] != 3 || out.length != 3
                    || out[1] != YoloxDecoder.anchorCount((int) in[3], (int) in[2]) || out[2] < 6) {
                throw new EngineException("model " + name + " (" + path + ") has input " + Arrays.toString(in)
                        + " and output " + Arrays.toString(out) + "; the reference server runs YOLOX detectors");
            }
            return new ServedModel(name, path, engine, (int) in[3], (int) in[2], (int) out[2] - 5);
        } catch (EngineException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    String name() {
        return name;
    }

    Path path() {
        return path;
    }

    TensorSpec input() {
        return engine.inputs().get(0);
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** Detects in a BGR image. */
    synchronized Result detect(Mat bgr) throws EngineException {
        double ratio = letterbox.apply(bgr);
        engine.infer();
        return result(decoder.decode(engine.output(0), ratio, bgr.cols(), bgr.rows(), MIN_SCORE, NMS_IOU));
    }

    /** Detects in the model's own input, FP32 [1,3,H,W] little-endian. */
    synchronized Result detectTensor(ByteBuffer nchw) throws EngineException {
        FloatBuffer in = engine.input(0);
        in.clear();
        in.put(nchw.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
        in.rewind();
        engine.infer();
        return result(decoder.decode(engine.output(0), 1.0, width, height, MIN_SCORE, NMS_IOU));
    }

    private static Result result(List<Detection> dets) {
        float[] boxes = new float[dets.size() * 4];
        float[] scores = new float[dets.size()];
        long[] ids = new long[dets.size()];
        for (int i = 0; i < dets.size(); i++) {
            Detection d = dets.get(i);
            boxes[i * 4] = d.x1();
            boxes[i * 4 + 1] = d.y1();
            boxes[i * 4 + 2] = d.x2();
            boxes[i * 4 + 3] = d.y2();
            scores[i] = d.score();
            ids[i] = d.classId();
        }
        return new Result(boxes, scores, ids);
    }

    @Override
    public synchronized void close() {
        letterbox.close();
        engine.close();
    }
}
