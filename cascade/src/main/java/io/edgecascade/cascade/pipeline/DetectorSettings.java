package io.edgecascade.cascade.pipeline;

import java.util.Set;

/**
 * A camera's detector settings (config section {@code detector:}).
 *
 * @param confidence minimum score of a detection
 * @param nmsIou     overlap above which boxes of one class are merged
 * @param classes    labels that make a frame positive
 */
public record DetectorSettings(float confidence, float nmsIou, Set<String> classes) {

    public DetectorSettings {
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be 0..1");
        }
        if (!(nmsIou > 0 && nmsIou <= 1)) {
            throw new IllegalArgumentException("nms_iou must be in (0, 1]");
        }
        classes = Set.copyOf(classes);
    }
}
