package io.edgecascade.cascade.bestframe;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
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
        return decode(jpeg, 1);
    }

    /**
     * The BGR image of a JPEG at 1/{@code reduction} of its size (1, 2, 4 or 8): libjpeg scales while it decodes, so
     * a reduced image costs a fraction of the full one in time and memory. The caller closes it.
     *
     * @throws IllegalArgumentException when the bytes are not a JPEG OpenCV can read
     */
    public static Mat decode(byte[] jpeg, int reduction) {
        return decode(jpeg, reduction, null);
    }

    /**
     * Like {@link #decode(byte[], int)}, into {@code into} when it is not null (it is reused when it has the image's
     * size and type: no new allocation for the pixels), else into a new image.
     */
    public static Mat decode(byte[] jpeg, int reduction, Mat into) {
        int flags = switch (reduction) {
            case 1 -> IMREAD_COLOR;
            case 2 -> IMREAD_REDUCED_COLOR_2;
            case 4 -> IMREAD_REDUCED_COLOR_4;
            case 8 -> IMREAD_REDUCED_COLOR_8;
            default -> throw new IllegalArgumentException("reduction " + reduction + " is not 1, 2, 4 or 8");
        };
        Mat image;
        try (Mat bytes = new Mat(1, jpeg.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1)) {
            bytes.data().put(jpeg);
            image = into == null ? imdecode(bytes, flags) : imdecode(bytes, flags, into);
        }
        if (image == null || image.empty()) {
            if (image != null && image != into) {
                image.close();
            }
            throw new IllegalArgumentException("not a readable JPEG (" + jpeg.length + " bytes)");
        }
        return image;
    }
}
