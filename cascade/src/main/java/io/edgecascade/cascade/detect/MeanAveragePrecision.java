package io.edgecascade.cascade.detect;

import io.edgecascade.cascade.api.Detection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Mean average precision of predicted boxes against reference boxes, per class, at one IoU threshold (Pascal VOC
 * style: greedy matching by descending score, all-point interpolated precision/recall area). Used to hold one engine
 * to another's output: the reference engine's detections play the ground truth.
 */
public final class MeanAveragePrecision {

    private MeanAveragePrecision() {
    }

    /**
     * mAP of {@code predicted} against {@code reference}, image by image (both lists are indexed by image). Classes
     * the reference never has are not averaged (as in COCO/VOC); if the reference has no box at all, the result is
     * 1 when the prediction has none either, else 0.
     */
    public static double of(List<List<Detection>> reference, List<List<Detection>> predicted, float iouThreshold) {
        if (reference.size() != predicted.size()) {
            throw new IllegalArgumentException("reference has " + reference.size() + " images, prediction "
                    + predicted.size());
        }
        Map<Integer, Double> perClass = perClass(reference, predicted, iouThreshold);
        if (perClass.isEmpty()) {
            boolean anyPredicted = predicted.stream().anyMatch(l -> !l.isEmpty());
            return anyPredicted ? 0.0 : 1.0;
        }
        return perClass.values().stream().mapToDouble(Double::doubleValue).average().orElse(0.0);
    }

    /** Average precision of every class present in the reference. */
    public static Map<Integer, Double> perClass(List<List<Detection>> reference, List<List<Detection>> predicted,
            float iouThreshold) {
        TreeSet<Integer> classes = new TreeSet<>();
        reference.forEach(l -> l.forEach(d -> classes.add(d.classId())));
        Map<Integer, Double> out = new TreeMap<>();
        for (int c : classes) {
            out.put(c, averagePrecision(reference, predicted, c, iouThreshold));
        }
        return out;
    }

    private record Scored(int image, Detection detection) {
    }

    static double averagePrecision(List<List<Detection>> reference, List<List<Detection>> predicted, int classId,
            float iouThreshold) {
        int truthCount = 0;
        List<List<Detection>> truth = new ArrayList<>();
        List<boolean[]> used = new ArrayList<>();
        for (List<Detection> image : reference) {
            List<Detection> t = image.stream().filter(d -> d.classId() == classId).toList();
            truth.add(t);
            used.add(new boolean[t.size()]);
            truthCount += t.size();
        }
        List<Scored> preds = new ArrayList<>();
        for (int i = 0; i < predicted.size(); i++) {
            for (Detection d : predicted.get(i)) {
                if (d.classId() == classId) {
                    preds.add(new Scored(i, d));
                }
            }
        }
        preds.sort(Comparator.comparingDouble((Scored s) -> s.detection().score()).reversed());
        double[] precision = new double[preds.size()];
        double[] recall = new double[preds.size()];
        int tp = 0;
        for (int k = 0; k < preds.size(); k++) {
            Scored p = preds.get(k);
            List<Detection> t = truth.get(p.image());
            boolean[] u = used.get(p.image());
            int best = -1;
            float bestIou = iouThreshold;
            for (int j = 0; j < t.size(); j++) {
                float iou = p.detection().iou(t.get(j));
                if (!u[j] && iou >= bestIou) {
                    best = j;
                    bestIou = iou;
                }
            }
            if (best >= 0) {
                u[best] = true;
                tp++;
            }
            precision[k] = (double) tp / (k + 1);
            recall[k] = truthCount == 0 ? 0 : (double) tp / truthCount;
        }
        // all-point interpolation: precision made monotonically decreasing, area under the recall steps
        for (int k = precision.length - 2; k >= 0; k--) {
            precision[k] = Math.max(precision[k], precision[k + 1]);
        }
        double ap = 0;
        double lastRecall = 0;
        for (int k = 0; k < precision.length; k++) {
            ap += (recall[k] - lastRecall) * precision[k];
            lastRecall = recall[k];
        }
        return ap;
    }
}
