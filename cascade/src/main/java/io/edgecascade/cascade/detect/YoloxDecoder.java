package io.edgecascade.cascade.detect;

import io.edgecascade.cascade.api.Boxes;
import io.edgecascade.cascade.api.Detection;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes YOLOX's raw head output {@code [1, N, 5 + classes]}: N anchor points over the stride-8, -16 and -32
 * grids (row-major, strides in that order), each row {@code cx, cy, w, h, objectness, class scores...} with
 * sigmoid already applied. Boxes are {@code cx = (out + grid_x) * stride}, {@code w = exp(out) * stride},
 * scaled back to frame pixels and clipped to the frame; score = objectness x best class score; per-class NMS.
 */
public final class YoloxDecoder {

    static final int[] STRIDES = {8, 16, 32};

    private final List<String> labels;
    private final int classes;
    private final int rowLength;
    private final int anchors;
    private final float[] gridX;
    private final float[] gridY;
    private final float[] stride;

    public YoloxDecoder(int inputWidth, int inputHeight, List<String> labels) {
        this.labels = List.copyOf(labels);
        this.classes = labels.size();
        this.rowLength = 5 + classes;
        this.anchors = anchorCount(inputWidth, inputHeight);
        this.gridX = new float[anchors];
        this.gridY = new float[anchors];
        this.stride = new float[anchors];
        int i = 0;
        for (int s : STRIDES) {
            int gw = inputWidth / s;
            int gh = inputHeight / s;
            for (int y = 0; y < gh; y++) {
                for (int x = 0; x < gw; x++) {
                    gridX[i] = x;
                    gridY[i] = y;
                    stride[i] = s;
                    i++;
                }
            }
        }
    }

    /** Anchor points YOLOX produces for an input size: the cells of the three grids. */
    public static int anchorCount(int inputWidth, int inputHeight) {
        int n = 0;
        for (int s : STRIDES) {
            n += (inputWidth / s) * (inputHeight / s);
        }
        return n;
    }

    /**
     * Decodes {@code output} for a frame of {@code frameWidth x frameHeight} that the letterbox scaled by
     * {@code ratio}.
     */
    public List<Detection> decode(FloatBuffer output, double ratio, int frameWidth, int frameHeight,
            float minScore, float nmsIou) {
        List<Detection> candidates = new ArrayList<>();
        float inv = (float) (1.0 / ratio);
        for (int i = 0; i < anchors; i++) {
            int base = i * rowLength;
            float objectness = output.get(base + 4);
            if (objectness < minScore) {
                continue; // class scores are <= 1, so the product cannot reach minScore
            }
            int best = 0;
            float bestScore = output.get(base + 5);
            for (int c = 1; c < classes; c++) {
                float v = output.get(base + 5 + c);
                if (v > bestScore) {
                    bestScore = v;
                    best = c;
                }
            }
            float score = objectness * bestScore;
            if (score < minScore) {
                continue;
            }
            float s = stride[i];
            float cx = (output.get(base) + gridX[i]) * s;
            float cy = (output.get(base + 1) + gridY[i]) * s;
            float w = (float) Math.exp(output.get(base + 2)) * s;
            float h = (float) Math.exp(output.get(base + 3)) * s;
            candidates.add(new Detection(labels.get(best), best, score, (cx - w / 2) * inv, (cy - h / 2) * inv,
                    (cx + w / 2) * inv, (cy + h / 2) * inv));
        }
        List<Detection> kept = Nms.perClass(candidates, nmsIou);
        List<Detection> clipped = new ArrayList<>(kept.size());
        for (Detection d : kept) {
            clipped.add(new Detection(d.label(), d.classId(), d.score(), clamp(d.x1(), frameWidth),
                    clamp(d.y1(), frameHeight), clamp(d.x2(), frameWidth), clamp(d.y2(), frameHeight)));
        }
        return clipped;
    }

    private static float clamp(float v, int max) {
        return Math.max(0f, Math.min(v, max));
    }

    public int anchors() {
        return anchors;
    }

    public int classes() {
        return classes;
    }
}
