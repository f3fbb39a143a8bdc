package io.edgecascade.cascade.detect;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.MotionResult;
import io.edgecascade.engines.EngineException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * Runs a detector on the regions {@link RegionPlanner} picks (or on the whole frame when it picks none): each
 * square is a view of the frame (no copy) letterboxed into the model, its boxes are moved back to frame
 * coordinates, and duplicates found by overlapping squares are merged with per-class NMS.
 *
 * <p>The squares go through the model one at a time: YOLOX exports have a fixed batch of 1. Stage times are
 * the sums over the squares.
 */
public final class RegionDetector {

    private RegionDetector() {
    }

    /** The boxes worth a look {x1, y1, x2, y2}: the gate's motion regions (null: gate off) and tracked objects. */
    public static List<float[]> interest(MotionResult motion, List<float[]> tracked) {
        List<float[]> boxes = new ArrayList<>(tracked);
        if (motion != null) {
            for (MotionResult.Region r : motion.regions()) {
                boxes.add(new float[] {r.x(), r.y(), r.x() + r.width(), r.y() + r.height()});
            }
        }
        return boxes;
    }

    /** True when {@link #detect} would look at regions of the frame rather than the whole of it. */
    public static boolean onRegions(ObjectDetector detector, Mat frame, RegionMode mode, List<float[]> boxes) {
        return !RegionPlanner.plan(mode, frame.cols(), frame.rows(), detector.inputSide(), boxes).isEmpty();
    }

    /**
     * @param boxes boxes of interest {x1, y1, x2, y2} in frame pixels (motion regions, tracked objects)
     */
    public static DetectionResult detect(ObjectDetector detector, Mat frame, RegionMode mode, List<float[]> boxes,
            float minScore, float nmsIou) throws EngineException {
        List<RegionPlanner.Square> squares = RegionPlanner.plan(mode, frame.cols(), frame.rows(),
                detector.inputSide(), boxes);
        if (squares.isEmpty()) {
            return detector.detect(frame, minScore, nmsIou);
        }
        List<Detection> all = new ArrayList<>();
        long pre = 0;
        long infer = 0;
        long post = 0;
        for (RegionPlanner.Square s : squares) {
            DetectionResult r;
            try (Rect rect = new Rect(s.x(), s.y(), s.side(), s.side()); Mat crop = new Mat(frame, rect)) {
                r = detector.detect(crop, minScore, nmsIou);
            }
            pre += r.preprocessNanos();
            infer += r.inferenceNanos();
            post += r.postprocessNanos();
            for (Detection d : r.detections()) {
                all.add(d.shifted(s.x(), s.y()));
            }
        }
        long t0 = System.nanoTime();
        List<Detection> merged = squares.size() == 1 ? all : Nms.perClass(all, nmsIou);
        return new DetectionResult(merged, pre, infer, post + System.nanoTime() - t0);
    }
}
