package io.edgecascade.cascade.detect;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.engines.EngineException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * A model on the boxes of another ({@code detect[].after}: a cascade inside the cascade): each box is cut out of the
 * frame (a view, no copy), the model runs on it, and its best answer is what it says about that object (a
 * classifier's label; a detector's best detection inside the box).
 */
public final class Crops {

    /** A box smaller than this on either side is too small to say anything about: it is skipped. */
    static final int MIN_SIDE = 4;

    /**
     * Per box, the model's best answer or null (box too small, nothing scoring {@code minScore} of
     * {@code classes}), and what the runs cost.
     *
     * @param runs boxes the model ran on
     */
    public record Result(List<Detection> answers, int runs, long preprocessNanos, long inferenceNanos,
            long postprocessNanos) {
        public Result {
            answers = Collections.unmodifiableList(new ArrayList<>(answers));
        }
    }

    private Crops() {
    }

    /**
     * Runs {@code detector} on the crop of each of {@code boxes} in {@code frame}.
     *
     * @param classes the answers that count (empty: any)
     */
    public static Result run(ObjectDetector detector, Mat frame, List<Detection> boxes, float minScore,
            float nmsIou, Set<String> classes) throws EngineException {
        List<Detection> answers = new ArrayList<>(boxes.size());
        int runs = 0;
        long pre = 0;
        long infer = 0;
        long post = 0;
        for (Detection b : boxes) {
            int x1 = clamp((int) Math.floor(b.x1()), frame.cols());
            int y1 = clamp((int) Math.floor(b.y1()), frame.rows());
            int x2 = clamp((int) Math.ceil(b.x2()), frame.cols());
            int y2 = clamp((int) Math.ceil(b.y2()), frame.rows());
            if (x2 - x1 < MIN_SIDE || y2 - y1 < MIN_SIDE) {
                answers.add(null);
                continue;
            }
            DetectionResult r;
            try (Rect rect = new Rect(x1, y1, x2 - x1, y2 - y1); Mat crop = new Mat(frame, rect)) {
                r = detector.detect(crop, minScore, nmsIou);
            }
            runs++;
            pre += r.preprocessNanos();
            infer += r.inferenceNanos();
            post += r.postprocessNanos();
            Detection best = null;
            for (Detection d : r.detections()) {
                if ((classes.isEmpty() || classes.contains(d.label())) && (best == null || d.score() > best.score())) {
                    best = d;
                }
            }
            answers.add(best);
        }
        return new Result(answers, runs, pre, infer, post);
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(v, max));
    }
}
