package io.edgecascade.cascade.detect;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.split;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Fits a frame into the model's square input the YOLOX way: scaled to keep its aspect ratio, placed at the
 * top-left of a canvas filled with grey 114, written as planar (CHW) float32 BGR 0..255 straight into the
 * engine's input buffer.
 *
 * <p>Only the frame's region of the input changes from frame to frame: it is resized (8 bits per channel), split
 * into 8-bit planes and converted straight into that region of the three float planes (views of the engine's
 * buffer). The padding floats are written once per frame size. This moves a third of the bytes that
 * converting and splitting the whole float canvas would. Not thread-safe.
 */
public final class Letterbox implements AutoCloseable {

    /** Value of the padding, per the YOLOX training pipeline. */
    public static final double PAD_VALUE = 114;

    private final int inputWidth;
    private final int inputHeight;
    private final Mat[] planes = new Mat[3];
    private final Mat resized = new Mat();
    private final MatVector bytePlanes = new MatVector(3);
    private final Mat[] planeRois = new Mat[3];
    private Size roiSize;
    private int frameWidth = -1;
    private int frameHeight = -1;
    private double ratio;

    /** {@code input} is the engine's NCHW buffer of {@code 3 * inputHeight * inputWidth} floats. */
    public Letterbox(FloatBuffer input, int inputWidth, int inputHeight) {
        if (!input.isDirect() || input.capacity() != 3 * inputWidth * inputHeight) {
            throw new IllegalArgumentException("input must be a direct buffer of 3x" + inputHeight + "x" + inputWidth);
        }
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        int plane = inputWidth * inputHeight;
        for (int c = 0; c < 3; c++) {
            FloatBuffer slice = input.duplicate().position(c * plane).limit((c + 1) * plane).slice();
            planes[c] = new Mat(inputHeight, inputWidth, CV_32F, new FloatPointer(slice));
        }
    }

    /** Writes {@code bgr} into the input buffer; returns the scale factor from frame to model pixels. */
    public double apply(Mat bgr) {
        if (bgr.cols() != frameWidth || bgr.rows() != frameHeight) {
            layout(bgr.cols(), bgr.rows());
        }
        resize(bgr, resized, roiSize, 0, 0, INTER_LINEAR);
        split(resized, bytePlanes);
        for (int c = 0; c < 3; c++) {
            try (Mat bytes = bytePlanes.get(c)) {
                bytes.convertTo(planeRois[c], CV_32F);
            }
        }
        return ratio;
    }

    private void layout(int width, int height) {
        frameWidth = width;
        frameHeight = height;
        ratio = Math.min((double) inputHeight / height, (double) inputWidth / width);
        int w = Math.max(1, (int) (width * ratio));
        int h = Math.max(1, (int) (height * ratio));
        if (roiSize != null) {
            roiSize.close();
            for (Mat m : planeRois) {
                m.close();
            }
        }
        roiSize = new Size(w, h);
        try (Scalar grey = new Scalar(PAD_VALUE); Rect r = new Rect(0, 0, w, h)) {
            for (int c = 0; c < 3; c++) {
                planes[c].put(grey);
                planeRois[c] = new Mat(planes[c], r);
            }
        }
    }

    /** Scale factor of the last frame (model pixels per frame pixel). */
    public double ratio() {
        return ratio;
    }

    @Override
    public void close() {
        if (roiSize != null) {
            roiSize.close();
            for (Mat m : planeRois) {
                m.close();
            }
        }
        for (Mat m : planes) {
            m.close();
        }
        resized.close();
        bytePlanes.close();
    }
}
