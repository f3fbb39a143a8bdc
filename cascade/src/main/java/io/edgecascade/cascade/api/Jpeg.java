package io.edgecascade.cascade.api;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** JPEG encoding of a frame's pixels, for sinks that must not keep the pixels past {@code accept}. */
public final class Jpeg {

    private Jpeg() {
    }

    /**
     * @param bgr     8-bit BGR pixels
     * @param quality 1..100
     * @throws IllegalStateException when OpenCV cannot encode the image
     */
    public static byte[] encode(Mat bgr, int quality) {
        try (BytePointer buf = new BytePointer(); IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
            if (!imencode(".jpg", bgr, buf, params)) {
                throw new IllegalStateException("JPEG encoding failed");
            }
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        }
    }
}
