package io.edgecascade.cascade.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.api.Detection;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class YoloxDecoderTest {

    private static final List<String> LABELS = List.of("person", "car");

    @Test
    void countsTheCellsOfTheThreeGrids() {
        assertEquals(3549, YoloxDecoder.anchorCount(416, 416));
        assertEquals(8400, YoloxDecoder.anchorCount(640, 640));
    }

    /** Sets one anchor row: raw cx, cy, log-w, log-h, objectness, class scores. */
    private static void row(FloatBuffer out, int anchor, float... values) {
        for (int i = 0; i < values.length; i++) {
            out.put(anchor * 7 + i, values[i]);
        }
    }

    @Test
    void decodesGridCellStrideAndResizeRatio() {
        YoloxDecoder decoder = new YoloxDecoder(64, 64, LABELS);
        // 64x64 input: 8x8 cells at stride 8 (anchors 0..63), 4x4 at 16 (64..79), 2x2 at 32 (80..83)
        FloatBuffer out = FloatBuffer.allocate(decoder.anchors() * 7);
        // stride-16 cell (x=2, y=1) = anchor 64 + 1*4 + 2 = 70; box centred in the cell, 32x16 px at model scale
        row(out, 70, 0.5f, 0.5f, (float) Math.log(2), 0f, 0.9f, 0.1f, 0.8f);
        List<Detection> found = decoder.decode(out, 0.5, 1000, 1000, 0.3f, 0.45f);
        assertEquals(1, found.size());
        Detection d = found.get(0);
        assertEquals("car", d.label());
        assertEquals(1, d.classId());
        assertEquals(0.72f, d.score(), 1e-6f);
        // centre (2.5*16, 1.5*16) = (40, 24), size 32x16, all divided by the 0.5 ratio
        assertEquals(48f, d.x1(), 1e-4f);
        assertEquals(32f, d.y1(), 1e-4f);
        assertEquals(112f, d.x2(), 1e-4f);
        assertEquals(64f, d.y2(), 1e-4f);
    }

    @Test
    void dropsLowScoresSuppressesOverlapsOfOneClassKeepsOtherClasses() {
        YoloxDecoder decoder = new YoloxDecoder(64, 64, LABELS);
        FloatBuffer out = FloatBuffer.allocate(decoder.anchors() * 7);
        row(out, 9, 0.5f, 0.5f, 0f, 0f, 0.9f, 0.9f, 0f);   // person at cell (1,1) stride 8, score .81
        row(out, 10, -0.5f, 0.5f, 0f, 0f, 0.8f, 0.9f, 0f); // person at the same centre (cell 2 - 0.5), .72: suppressed
        row(out, 11, -1.5f, 0.5f, 0f, 0f, 0.8f, 0f, 0.9f); // a car at the same spot: kept
        row(out, 40, 0.5f, 0.5f, 0f, 0f, 0.2f, 0.9f, 0f);  // objectness too low
        List<Detection> found = decoder.decode(out, 1.0, 64, 64, 0.3f, 0.45f);
        assertEquals(2, found.size(), found.toString());
        assertEquals("person", found.get(0).label());
        assertEquals(0.81f, found.get(0).score(), 1e-6f);
        assertEquals("car", found.get(1).label());
    }

    @Test
    void clipsBoxesToTheFrame() {
        YoloxDecoder decoder = new YoloxDecoder(64, 64, LABELS);
        FloatBuffer out = FloatBuffer.allocate(decoder.anchors() * 7);
        row(out, 0, 0f, 0f, (float) Math.log(4), (float) Math.log(4), 0.9f, 0.9f, 0f); // 32x32 box centred at 0,0
        Detection d = decoder.decode(out, 1.0, 64, 64, 0.3f, 0.45f).get(0);
        assertEquals(0f, d.x1());
        assertEquals(0f, d.y1());
        assertEquals(16f, d.x2(), 1e-4f);
        assertTrue(d.y2() <= 64f);
    }
}
