package io.edgecascade.cascade.bestframe;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** JPEG encoding and decoding of BGR frames (OpenCV's libjpeg). */
public final class JpegCodec {

    private JpegCodec() {
    }

    /**
     * @param quality 1..100
     * @throws IllegalStateException when OpenCV cannot encode the image (empty, wrong type)
     */
    public static byte[] encode(Mat bgr, int quality) {
        try (BytePointer buf = new BytePointer(); IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
            if (bgr.empty() || !imencode(".jpg", bgr, buf, params)) {
                throw new IllegalStateException("JPEG encoding failed for a " + bgr.cols() + "x" + bgr.rows()
                        + " image");
            }
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        }
    }

    /**
     * The BGR image of a JPEG; the caller closes it.
     *
     * @throws IllegalArgumentException when the bytes are not a JPEG OpenCV can read
     */
    public static Mat decode(byte[] jpeg) {
        Mat image;
        try (Mat bytes = new Mat(1, jpeg.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1)) {
            bytes.data().put(jpeg);
            image = imdecode(bytes, IMREAD_COLOR);
        }
        if (image == null || image.empty()) {
            if (image != null) {
                image.close();
            }
            throw new IllegalArgumentException("not a readable JPEG (" + jpeg.length + " bytes)");
        }
        return image;
    }
}
