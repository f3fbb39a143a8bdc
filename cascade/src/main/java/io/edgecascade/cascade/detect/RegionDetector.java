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
 * <p>A look is planned first ({@link Look}: its images, the frame or its squares) and run after, so that a detector
 * worker can put the images of several cameras' looks into one batch ({@code pipeline.batch}); run alone
 * ({@link #detect}), a look's images go through the model in batches of the detector's size. Stage times are the sums
 * over the images.
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
        try (Look look = Look.plan(detector, frame, mode, boxes, minScore, nmsIou)) {
            List<DetectRequest> images = look.images();
            List<DetectionResult> results = new ArrayList<>(images.size());
            for (int from = 0; from < images.size(); from += detector.batch()) {
                results.addAll(detector.detectBatch(images.subList(from,
                        Math.min(images.size(), from + detector.batch()))));
            }
            return look.merge(results);
        }
    }

    /**
     * One look at a frame, planned: its images (the whole frame, or views of its squares, no copy) to run, and how
     * their results become the frame's detections. Close it once its images have run (it closes the views).
     */
    public static final class Look implements AutoCloseable {

        private final List<RegionPlanner.Square> squares;
        private final List<DetectRequest> images;
        private final List<Mat> views = new ArrayList<>();
        private final float nmsIou;

        private Look(Mat frame, List<RegionPlanner.Square> squares, float minScore, float nmsIou) {
            this.squares = squares;
            this.nmsIou = nmsIou;
            if (squares.isEmpty()) {
                images = List.of(new DetectRequest(frame, minScore, nmsIou));
                return;
            }
            List<DetectRequest> list = new ArrayList<>(squares.size());
            for (RegionPlanner.Square s : squares) {
                try (Rect rect = new Rect(s.x(), s.y(), s.side(), s.side())) {
                    Mat view = new Mat(frame, rect);
                    views.add(view);
                    list.add(new DetectRequest(view, minScore, nmsIou));
                }
            }
            images = List.copyOf(list);
        }

        /** The look {@code detector} takes at {@code frame}: on the regions around {@code boxes}, or the whole. */
        public static Look plan(ObjectDetector detector, Mat frame, RegionMode mode, List<float[]> boxes,
                float minScore, float nmsIou) {
            return new Look(frame, RegionPlanner.plan(mode, frame.cols(), frame.rows(), detector.inputSide(), boxes),
                    minScore, nmsIou);
        }

        /** What to run: the frame, or one view per square. */
        public List<DetectRequest> images() {
            return images;
        }

        /** The frame's detections from its images' results (in the order of {@link #images()}). */
        public DetectionResult merge(List<DetectionResult> results) {
            if (results.size() != images.size()) {
                throw new IllegalArgumentException(results.size() + " results for " + images.size() + " images");
            }
            if (squares.isEmpty()) {
                return results.get(0);
            }
            List<Detection> all = new ArrayList<>();
            long pre = 0;
            long infer = 0;
            long post = 0;
            for (int i = 0; i < squares.size(); i++) {
                DetectionResult r = results.get(i);
                pre += r.preprocessNanos();
                infer += r.inferenceNanos();
                post += r.postprocessNanos();
                for (Detection d : r.detections()) {
                    all.add(d.shifted(squares.get(i).x(), squares.get(i).y()));
                }
            }
            long t0 = System.nanoTime();
            List<Detection> merged = squares.size() == 1 ? all : Nms.perClass(all, nmsIou);
            return new DetectionResult(merged, pre, infer, post + System.nanoTime() - t0);
        }

        @Override
        public void close() {
            views.forEach(Mat::close);
            views.clear();
        }
    }
}
