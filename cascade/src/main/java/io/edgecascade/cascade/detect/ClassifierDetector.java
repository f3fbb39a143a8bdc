package io.edgecascade.cascade.detect;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.split;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineInfo;
import io.edgecascade.engines.InferenceEngine;
import io.edgecascade.engines.TensorSpec;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * An image classifier ({@code type: classifier}): the whole image (in a cascade, the crop of another model's box) is
 * resized to the model's input {@code [1, 3, H, W]}, normalised as {@link ImageInput} says, and the model's one output
 * of one score per label goes through a softmax; the answer is the best label, as one detection covering the image.
 * An output that already is a probability distribution (every value in 0..1, summing to 1) is taken as it is, so a
 * model that ends in its own Softmax works too. Not thread-safe: a detector worker owns one.
 */
public final class ClassifierDetector implements ObjectDetector {

    private final InferenceEngine engine;
    private final List<String> labels;
    private final ImageInput input;
    private final int width;
    private final int height;
    private final Mat[] planes = new Mat[3];
    private final Mat resized = new Mat();
    private final MatVector bytePlanes = new MatVector(3);
    private final Size size;
    private final float[] scores;

    private ClassifierDetector(InferenceEngine engine, List<String> labels, ImageInput input, int width, int height) {
        this.engine = engine;
        this.labels = List.copyOf(labels);
        this.input = input;
        this.width = width;
        this.height = height;
        this.size = new Size(width, height);
        this.scores = new float[labels.size()];
        FloatBuffer buffer = engine.input(0);
        int plane = width * height;
        for (int c = 0; c < 3; c++) {
            FloatBuffer slice = buffer.duplicate().position(c * plane).limit((c + 1) * plane).slice();
            planes[c] = new Mat(height, width, CV_32F, new FloatPointer(slice));
        }
    }

    /**
     * Wraps an open engine after checking that its model is a classifier over {@code labels}: one image input
     * {@code [1, 3, H, W]} and one output of {@code labels.size()} scores. On failure the engine is left open for the
     * caller to close.
     */
    public static ClassifierDetector create(InferenceEngine engine, List<String> labels, ImageInput input)
            throws EngineException {
        String model = engine.info().model();
        if (engine.inputs().size() != 1) {
            throw new EngineException("model " + model + " has " + engine.inputs().size() + " inputs, expected one"
                    + " image input [1,3,H,W]; a classifier takes one image");
        }
        TensorSpec in = engine.inputs().get(0);
        long[] s = in.shape();
        if (s.length != 4 || s[0] != 1 || s[1] != 3 || s[2] < 1 || s[3] < 1) {
            throw new EngineException("model " + model + " input '" + in.name() + "' is " + Arrays.toString(s)
                    + ", expected [1,3,H,W] (one image, channels first); check models[].type");
        }
        if (engine.outputs().size() != 1) {
            throw new EngineException("model " + model + " has " + engine.outputs().size() + " outputs, expected one"
                    + " output of one score per label; check models[].type");
        }
        long[] o = engine.outputs().get(0).shape();
        long n = 1;
        for (long d : o) {
            n *= d;
        }
        if (n != labels.size()) {
            throw new EngineException("model " + model + " output is " + Arrays.toString(o) + " (" + n + " scores)"
                    + " but the labels file has " + labels.size() + " names; point models[].labels at the"
                    + " classifier's class list");
        }
        return new ClassifierDetector(engine, labels, input, (int) s[3], (int) s[2]);
    }

    @Override
    public DetectionResult detect(Mat bgr, float minScore, float nmsIou) throws EngineException {
        if (bgr.cols() < 1 || bgr.rows() < 1) {
            return new DetectionResult(List.of(), 0, 0, 0);
        }
        long t0 = System.nanoTime();
        boolean shrink = bgr.cols() >= width && bgr.rows() >= height;
        resize(bgr, resized, size, 0, 0, shrink ? INTER_AREA : INTER_LINEAR);
        split(resized, bytePlanes);
        double[] mean = input.mean();
        double[] std = input.std();
        for (int c = 0; c < 3; c++) {
            int source = input.rgb() ? 2 - c : c; // OpenCV's planes are B, G, R
            try (Mat bytes = bytePlanes.get(source)) {
                bytes.convertTo(planes[c], CV_32F, 1.0 / (255.0 * std[c]), -mean[c] / std[c]);
            }
        }
        long t1 = System.nanoTime();
        engine.infer();
        long t2 = System.nanoTime();
        FloatBuffer out = engine.output(0);
        for (int i = 0; i < scores.length; i++) {
            scores[i] = out.get(i);
        }
        probabilities(scores);
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        List<Detection> found = scores[best] >= minScore
                ? List.of(new Detection(labels.get(best), best, scores[best], 0, 0, bgr.cols(), bgr.rows()))
                : List.of();
        return new DetectionResult(found, t1 - t0, t2 - t1, System.nanoTime() - t2);
    }

    /**
     * Turns the model's scores into probabilities in place: a softmax, unless they already are a distribution (every
     * value in 0..1 and a sum of 1 within 1e-3).
     */
    static void probabilities(float[] v) {
        double sum = 0;
        boolean unit = true;
        float max = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            sum += x;
            unit &= x >= 0 && x <= 1;
            max = Math.max(max, x);
        }
        if (unit && Math.abs(sum - 1) < 1e-3) {
            return;
        }
        double total = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.exp(v[i] - max); // shifted by the maximum: no overflow
            total += v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / total);
        }
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
        for (Mat m : planes) {
            m.close();
        }
        resized.close();
        bytePlanes.close();
        size.close();
        engine.close();
    }
}
