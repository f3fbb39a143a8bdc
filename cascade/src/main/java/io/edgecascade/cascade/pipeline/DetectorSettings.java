package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.detect.RegionMode;
import java.util.Objects;
import java.util.Set;

/**
 * A camera's detector settings (config section {@code detector:}).
 *
 * @param confidence minimum score of a detection
 * @param nmsIou     overlap above which boxes of one class are merged
 * @param classes    labels that make a frame positive
 * @param regions    whether the detector runs on regions around motion and tracked objects or on the whole frame
 * @param enabled    detection on; off (an MQTT {@code detect/set OFF}), the frames the gate passes are not detected
 *                   and count as frames without objects, so the camera's open events end as {@code lost}
 */
public record DetectorSettings(float confidence, float nmsIou, Set<String> classes, RegionMode regions,
        boolean enabled) {

    /** Settings with detection on. */
    public DetectorSettings(float confidence, float nmsIou, Set<String> classes, RegionMode regions) {
        this(confidence, nmsIou, classes, regions, true);
    }

    /** Settings with {@code regions: auto}. */
    public DetectorSettings(float confidence, float nmsIou, Set<String> classes) {
        this(confidence, nmsIou, classes, RegionMode.AUTO);
    }

    public DetectorSettings {
        Objects.requireNonNull(regions, "regions");
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be 0..1");
        }
        if (!(nmsIou > 0 && nmsIou <= 1)) {
            throw new IllegalArgumentException("nms_iou must be in (0, 1]");
        }
        classes = Set.copyOf(classes);
    }

    /** These settings with detection switched on or off. */
    public DetectorSettings withEnabled(boolean on) {
        return new DetectorSettings(confidence, nmsIou, classes, regions, on);
    }
}
