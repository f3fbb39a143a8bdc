package io.edgecascade.cascade.detect;

import io.edgecascade.cascade.api.Detection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Greedy non-maximum suppression within each class. */
public final class Nms {
    private Nms() {
    }

    /** Keeps, per class, the best box of every group overlapping more than {@code iou}; best first. */
    public static List<Detection> perClass(List<Detection> candidates, float iou) {
        List<Detection> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        boolean[] removed = new boolean[sorted.size()];
        for (int i = 0; i < sorted.size(); i++) {
            if (removed[i]) {
                continue;
            }
            Detection best = sorted.get(i);
            kept.add(best);
            for (int j = i + 1; j < sorted.size(); j++) {
                Detection other = sorted.get(j);
                if (!removed[j] && other.classId() == best.classId() && best.iou(other) > iou) {
                    removed[j] = true;
                }
            }
        }
        return kept;
    }
}
