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
     * The width and height a JPEG says it has in its frame header, without decoding it; null when the bytes are not a
     * JPEG (a PNG, a truncated file) or name no size.
     */
    public static int[] size(byte[] image) {
        if (image.length < 4 || (image[0] & 0xff) != 0xff || (image[1] & 0xff) != 0xd8) {
            return null;
        }
        int i = 2;
        while (i + 3 < image.length) {
            if ((image[i] & 0xff) != 0xff) {
                return null; // not at a marker: not a JPEG this reads
            }
            int marker = image[i + 1] & 0xff;
            if (marker == 0xff) {
                i++; // fill byte
                continue;
            }
            if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
                i += 2; // markers without a length
                continue;
            }
            int length = ((image[i + 2] & 0xff) << 8) | (image[i + 3] & 0xff);
            boolean frameHeader = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8
                    && marker != 0xcc; // SOF0..SOF15, not DHT, JPG, DAC
            if (frameHeader) {
                if (i + 8 >= image.length) {
                    return null;
                }
                int height = ((image[i + 5] & 0xff) << 8) | (image[i + 6] & 0xff);
                int width = ((image[i + 7] & 0xff) << 8) | (image[i + 8] & 0xff);
                return width > 0 && height > 0 ? new int[] {width, height} : null;
            }
            if (marker == 0xd9 || marker == 0xda || length < 2) {
                return null; // the image data or its end before any frame header
            }
            i += 2 + length;
        }
        return null;
    }

    /**
     * The largest reduction (1, 2, 4 or 8) at which an image of {@code width} x {@code height} still has at least
     * {@code minWidth} x {@code minHeight} pixels: decoding at it ({@link #decode(byte[], int)}) gives what a resize
     * down to that size needs, at a fraction of the memory and time of the whole image.
     */
    public static int reductionToCover(int width, int height, int minWidth, int minHeight) {
        int reduction = 1;
        while (reduction < 8 && ceilDiv(width, reduction * 2) >= minWidth
                && ceilDiv(height, reduction * 2) >= minHeight) {
            reduction *= 2;
        }
        return reduction;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b; // libjpeg rounds a reduced size up
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
            image = imdecode(bytes, flags);
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
