package io.edgecascade.cascade.detect;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.engines.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The engine equivalence harness: runs a reference detector (normally {@code onnxruntime-cpu}) and a candidate
 * detector (another engine, precision or thread count) on the same images and reports how far the candidate's boxes
 * agree with the reference's, as mAP@0.5 of the candidate taking the reference as ground truth, and the latency of
 * each. Every engine is held to the CPU engine's output this way ({@code bench --compare}, engine tests).
 *
 * <p>Latency here is measured on whatever machine runs it; figures worth publishing come from a quiet machine.
 */
public final class EngineAgreement {

    /** The IoU at which a candidate box counts as the reference's box. */
    public static final float IOU = 0.5f;

    private EngineAgreement() {
    }

    /**
     * Per-engine latency over the images, milliseconds.
     *
     * @param inferenceMeanMs mean of the engine run alone
     * @param inferenceP50Ms  median of the engine run
     * @param inferenceP95Ms  95th percentile of the engine run
     * @param totalMeanMs     mean of pre-processing + engine + decoding
     */
    public record Latency(String engine, double inferenceMeanMs, double inferenceP50Ms, double inferenceP95Ms,
            double totalMeanMs) {

        static Latency of(String engine, long[] inferenceNanos, long[] totalNanos) {
            io.edgecascade.cascade.metrics.LatencyHistogram inference = new io.edgecascade.cascade.metrics.LatencyHistogram();
            for (long n : inferenceNanos) {
                inference.record(n);
            }
            if (inference.count() == 0) {
                return new Latency(engine, 0, 0, 0, 0);
            }
            return new Latency(engine, inference.meanMillis(), inference.percentileMillis(0.50),
                    inference.percentileMillis(0.95), Arrays.stream(totalNanos).average().orElse(0) / 1e6);
        }
    }

    /**
     * The comparison.
     *
     * @param images          how many images both ran on
     * @param map50           mAP@0.5 of the candidate against the reference, 0..1 (1 = the same boxes)
     * @param referenceBoxes  boxes the reference found in all images
     * @param candidateBoxes  boxes the candidate found
     */
    public record Result(int images, double map50, int referenceBoxes, int candidateBoxes, Latency reference,
            Latency candidate) {

        /** For {@code bench --compare} JSON. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("images", images);
            m.put("map50", map50);
            m.put("reference_boxes", referenceBoxes);
            m.put("candidate_boxes", candidateBoxes);
            m.put("reference", latencyMap(reference));
            m.put("candidate", latencyMap(candidate));
            return m;
        }

        private static Map<String, Object> latencyMap(Latency l) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("engine", l.engine());
            m.put("inference_mean_ms", l.inferenceMeanMs());
            m.put("inference_p50_ms", l.inferenceP50Ms());
            m.put("inference_p95_ms", l.inferenceP95Ms());
            m.put("total_mean_ms", l.totalMeanMs());
            return m;
        }

        /** One line for logs and the console. */
        public String summary() {
            return String.format(Locale.ROOT, "%s vs %s on %d images: mAP@0.5 %.4f (%d vs %d boxes); inference %.2f ms"
                    + " vs %.2f ms mean, %.2f vs %.2f ms p95", candidate.engine(), reference.engine(), images, map50,
                    candidateBoxes, referenceBoxes, candidate.inferenceMeanMs(), reference.inferenceMeanMs(),
                    candidate.inferenceP95Ms(), reference.inferenceP95Ms());
        }
    }

    /** The {@code .jpg}/{@code .png} files of a directory, in name order (the 100 COCO images of the test data). */
    public static List<Path> images(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("image directory not found: " + dir + "; point it at data/images/coco of the test"
                    + " assets");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
            }).sorted().toList();
            if (files.isEmpty()) {
                throw new IOException("no .jpg/.png images in " + dir);
            }
            return files;
        }
    }

    /**
     * Runs both detectors on every image (reference first, then candidate, image by image, so both see the same
     * machine load) and compares.
     *
     * @param minScore score threshold for both, e.g. 0.25
     * @param nmsIou   NMS IoU for both, e.g. 0.45
     */
    public static Result compare(ObjectDetector reference, ObjectDetector candidate, List<Path> images, float minScore,
            float nmsIou) throws EngineException, IOException {
        List<List<Detection>> ref = new ArrayList<>();
        List<List<Detection>> cand = new ArrayList<>();
        long[] refInfer = new long[images.size()];
        long[] refTotal = new long[images.size()];
        long[] candInfer = new long[images.size()];
        long[] candTotal = new long[images.size()];
        for (int i = 0; i < images.size(); i++) {
            Path image = images.get(i);
            try (Mat bgr = imread(image.toString(), IMREAD_COLOR)) {
                if (bgr == null || bgr.empty()) {
                    throw new IOException("cannot decode image " + image + "; is it a valid JPEG/PNG?");
                }
                DetectionResult r = reference.detect(bgr, minScore, nmsIou);
                DetectionResult c = candidate.detect(bgr, minScore, nmsIou);
                ref.add(r.detections());
                cand.add(c.detections());
                refInfer[i] = r.inferenceNanos();
                refTotal[i] = r.preprocessNanos() + r.inferenceNanos() + r.postprocessNanos();
                candInfer[i] = c.inferenceNanos();
                candTotal[i] = c.preprocessNanos() + c.inferenceNanos() + c.postprocessNanos();
            }
        }
        double map = MeanAveragePrecision.of(ref, cand, IOU);
        return new Result(images.size(), map, ref.stream().mapToInt(List::size).sum(),
                cand.stream().mapToInt(List::size).sum(), Latency.of(reference.engine().toString(), refInfer, refTotal),
                Latency.of(candidate.engine().toString(), candInfer, candTotal));
    }
}
