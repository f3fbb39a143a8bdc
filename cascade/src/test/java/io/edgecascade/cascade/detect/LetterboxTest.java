package io.edgecascade.cascade.detect;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class LetterboxTest {

    private static FloatBuffer buffer(int w, int h) {
        return ByteBuffer.allocateDirect(3 * w * h * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** A frame whose B, G, R values encode the pixel position, so layout mistakes show. */
    private static Mat pattern(int w, int h) {
        Mat m = new Mat(h, w, CV_8UC3);
        try (UByteIndexer idx = m.createIndexer()) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    idx.put(y, x, 0, x % 256);
                    idx.put(y, x, 1, y % 256);
                    idx.put(y, x, 2, 7);
                }
            }
        }
        return m;
    }

    @Test
    void placesTheFrameTopLeftInPlanarBgrAndPadsWith114() {
        int size = 64;
        FloatBuffer input = buffer(size, size);
        try (Letterbox lb = new Letterbox(input, size, size); Mat frame = pattern(32, 16)) {
            double ratio = lb.apply(frame); // 32x16 scales by 2 to 64x32: rows 32..63 are padding
            assertEquals(2.0, ratio, 1e-9);
            int plane = size * size;
            // channel 0 (B) holds x/2 of the source, channel 1 (G) y/2, channel 2 (R) the constant 7
            assertEquals(7f, input.get(2 * plane + 10 * size + 20), 0.5f, "R plane inside the image");
            assertEquals(20 / 2f, input.get(20), 1.0f, "B plane carries the x coordinate, row 0, column 20");
            assertEquals(10 / 2f, input.get(plane + 10 * size + 3), 1.0f, "G plane carries the y coordinate");
            for (int c = 0; c < 3; c++) {
                assertEquals(114f, input.get(c * plane + 40 * size + 5), 0f, "padding below the image, channel " + c);
                assertEquals(114f, input.get(c * plane + 63 * size + 63), 0f, "last pixel is padding, channel " + c);
            }
        }
    }

    @Test
    void refillsThePaddingWhenTheFrameShapeChanges() {
        int size = 64;
        FloatBuffer input = buffer(size, size);
        try (Letterbox lb = new Letterbox(input, size, size); Mat wide = pattern(64, 16); Mat tall = pattern(16, 64)) {
            lb.apply(wide); // fills rows 0..15
            lb.apply(tall); // fills columns 0..15; row 5, column 40 must be padding again
            assertEquals(114f, input.get(5 * size + 40), 0f);
            assertEquals(1.0, lb.ratio(), 1e-9);
        }
    }

    @Test
    void rejectsABufferOfTheWrongSize() {
        assertThrows(IllegalArgumentException.class, () -> new Letterbox(buffer(10, 10), 64, 64));
    }
}
