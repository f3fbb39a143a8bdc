package io.edgecascade.cascade.forward;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.edgecascade.cascade.bestframe.JpegCodec;
import io.edgecascade.cascade.detect.Letterbox;
import io.edgecascade.cascade.kserve.InferParameter;
import io.edgecascade.cascade.kserve.InferTensorContents;
import io.edgecascade.cascade.kserve.ModelInferRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Turns a spooled positive into a KServe v2 ModelInfer request: pure (no network, no spool), so it is unit-tested
 * alone. Binary mode sends the stored JPEG as one BYTES element; tensor mode letterboxes the frame the way the
 * cloud's YOLOX detector does (aspect kept, grey 114 padding, top-left) straight into the request's buffer:
 * FP32 [1,3,H,W] planar through {@link Letterbox} (OpenCV converts whole planes), UINT8 [1,H,W,3] through a
 * resize into a region of the padded canvas. Thread-safe (no state).
 */
final class RequestEncoder {

    /** Request parameter carrying the edge's detections (JSON). */
    static final String DETECTIONS_PARAMETER = "edge_detections";

    /** The record itself cannot be made into a request (its JPEG does not decode): it is dropped, and said so. */
    static final class UnusableRecord extends Exception {
        private static final long serialVersionUID = 1L;

        UnusableRecord(String message) {
            super(message);
        }
    }

    private final String model;
    private final String version;

    RequestEncoder(String model, String version) {
        this.model = model;
        this.version = version;
    }

    /** The request for {@code item} filling {@code spec}; never null, the spec is required. */
    ModelInferRequest encode(ForwardItem item, InputSpec spec) throws UnusableRecord {
        Objects.requireNonNull(spec, "spec");
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder()
                .setModelName(model)
                .setModelVersion(version)
                .setId(item.id())
                .putParameters(DETECTIONS_PARAMETER,
                        InferParameter.newBuilder().setStringParam(item.detectionsJson()).build());
        if ("BYTES".equals(spec.datatype())) {
            b.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName(spec.name()).setDatatype("BYTES")
                    .addShape(1)
                    .setContents(InferTensorContents.newBuilder().addBytesContents(ByteString.copyFrom(item.jpeg()))));
            return b.build();
        }
        Mat decoded;
        try {
            decoded = JpegCodec.decode(item.jpeg(), reduction(item.jpeg(), spec));
        } catch (IllegalArgumentException e) {
            throw new UnusableRecord("its stored JPEG does not decode");
        }
        try (Mat bgr = decoded) {
            List<Long> s = spec.shape();
            List<Long> shape;
            ByteString raw;
            if ("FP32".equals(spec.datatype())) {
                int h = (int) (long) s.get(2);
                int w = (int) (long) s.get(3);
                raw = planarFloats(bgr, w, h);
                shape = List.of(1L, 3L, (long) h, (long) w);
            } else {
                int h = s.get(1) > 0 ? (int) (long) s.get(1) : bgr.rows();
                int w = s.get(2) > 0 ? (int) (long) s.get(2) : bgr.cols();
                raw = letterboxedPixels(bgr, w, h);
                shape = List.of(1L, (long) h, (long) w, 3L);
            }
            b.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName(spec.name())
                    .setDatatype(spec.datatype()).addAllShape(shape));
            b.addRawInputContents(raw);
            return b.build();
        }
    }

    /**
     * The reduction to decode the stored JPEG at for a tensor of a fixed size: the largest at which the image still
     * covers the part of the tensor it fills (libjpeg scales while it decodes). A 3072x1728 frame for a 416x416 input
     * decodes at 768x432 (1 MB instead of 16 MB, and a fraction of the time), and the resize from there averages
     * the pixels a direct linear resize from full size would skip. 1 for an input of the frame's own size, or when
     * the stored bytes name no size.
     */
    static int reduction(byte[] jpeg, InputSpec spec) {
        List<Long> s = spec.shape();
        long h;
        long w;
        if ("FP32".equals(spec.datatype())) {
            h = s.get(2);
            w = s.get(3);
        } else {
            h = s.get(1);
            w = s.get(2);
        }
        int[] size = JpegCodec.size(jpeg);
        if (size == null || h <= 0 || w <= 0) {
            return 1;
        }
        double ratio = Math.min((double) h / size[1], (double) w / size[0]);
        return JpegCodec.reductionToCover(size[0], size[1], (int) Math.ceil(size[0] * ratio),
                (int) Math.ceil(size[1] * ratio));
    }

    /** Letterboxed planar float32 BGR, little-endian as KServe's raw contents are. */
    static ByteString planarFloats(Mat bgr, int w, int h) {
        ByteBuffer out = ByteBuffer.allocateDirect(3 * w * h * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("tensor mode needs a little-endian CPU");
        }
        try (Letterbox letterbox = new Letterbox(out.asFloatBuffer(), w, h)) {
            letterbox.apply(bgr);
        }
        return UnsafeByteOperations.unsafeWrap(out); // the buffer is not touched after this
    }

    /** Letterboxed interleaved uint8 BGR ([H,W,3]). */
    static ByteString letterboxedPixels(Mat bgr, int w, int h) {
        ByteBuffer out = ByteBuffer.allocateDirect(3 * w * h);
        double ratio = Math.min((double) h / bgr.rows(), (double) w / bgr.cols());
        int rw = Math.max(1, Math.min(w, (int) (bgr.cols() * ratio)));
        int rh = Math.max(1, Math.min(h, (int) (bgr.rows() * ratio)));
        try (BytePointer data = new BytePointer(out); Mat canvas = new Mat(h, w, CV_8UC3, data);
                Scalar grey = new Scalar(Letterbox.PAD_VALUE, Letterbox.PAD_VALUE, Letterbox.PAD_VALUE, 0);
                Rect r = new Rect(0, 0, rw, rh); Mat roi = new Mat(canvas, r); Size size = new Size(rw, rh)) {
            canvas.put(grey);
            if (rw == bgr.cols() && rh == bgr.rows()) {
                bgr.copyTo(roi);
            } else {
                resize(bgr, roi, size, 0, 0, INTER_LINEAR);
            }
        }
        return UnsafeByteOperations.unsafeWrap(out);
    }
}
