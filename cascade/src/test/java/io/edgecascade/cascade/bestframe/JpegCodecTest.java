package io.edgecascade.cascade.bestframe;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_PROGRESSIVE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class JpegCodecTest {

    private static byte[] encoded(int width, int height, String ext, int... params) {
        try (Mat m = new Mat(height, width, CV_8UC3, new Scalar(40, 80, 120, 0)); BytePointer buf = new BytePointer();
                IntPointer p = new IntPointer(params)) {
            imencode(ext, m, buf, p);
            byte[] b = new byte[(int) buf.limit()];
            buf.get(b);
            return b;
        }
    }

    @Test
    void theSizeIsReadFromTheFrameHeaderOfBaselineAndProgressiveJpegs() {
        assertArrayEquals(new int[] {3072, 1728}, JpegCodec.size(JpegCodec.encode(new Mat(1728, 3072, CV_8UC3,
                new Scalar(1, 2, 3, 0)), 90)));
        assertArrayEquals(new int[] {641, 479}, JpegCodec.size(encoded(641, 479, ".jpg", IMWRITE_JPEG_PROGRESSIVE,
                1)));
    }

    @Test
    void notAJpegOrACutOneHasNoSize() {
        assertNull(JpegCodec.size(encoded(64, 32, ".png")));
        assertNull(JpegCodec.size(new byte[] {1, 2, 3}));
        byte[] jpeg = encoded(64, 32, ".jpg");
        assertNull(JpegCodec.size(Arrays.copyOf(jpeg, 12))); // before its frame header
        assertNull(JpegCodec.size(new byte[0]));
    }

    @Test
    void theReductionIsTheLargestThatStillCoversTheTarget() {
        // the 4x4 mosaic into a 416x416 letterbox: 416x234 of picture; 768x432 covers it, 384x216 does not
        assertEquals(4, JpegCodec.reductionToCover(3072, 1728, 416, 234));
        assertEquals(2, JpegCodec.reductionToCover(1920, 1080, 416, 234 * 2));
        assertEquals(8, JpegCodec.reductionToCover(3840, 2160, 416, 234));
        assertEquals(1, JpegCodec.reductionToCover(416, 234, 416, 234));
        assertEquals(1, JpegCodec.reductionToCover(200, 100, 640, 320)); // an upscale: nothing to reduce
        // libjpeg rounds a reduced size up: 833 / 2 -> 417
        assertEquals(2, JpegCodec.reductionToCover(833, 469, 417, 235));
    }

    @Test
    void aReducedDecodeHasTheRoundedUpSizeTheReductionPromised() {
        byte[] jpeg = encoded(833, 469, ".jpg");
        try (Mat m = JpegCodec.decode(jpeg, 2)) {
            assertEquals(417, m.cols());
            assertEquals(235, m.rows());
        }
    }
}
