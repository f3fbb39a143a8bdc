package io.edgecascade.cascade.detect;

import io.edgecascade.cascade.api.Detection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A camera's {@code detector.filters}: one {@link ObjectFilter} per label; labels without one pass. */
public record ObjectFilters(Map<String, ObjectFilter> byLabel) {

    public static final ObjectFilters NONE = new ObjectFilters(Map.of());

    public ObjectFilters {
        byLabel = Map.copyOf(byLabel);
    }

    /** The detections that pass their label's filter, in order. */
    public List<Detection> keep(List<Detection> detections, int width, int height) {
        if (byLabel.isEmpty()) {
            return detections;
        }
        List<Detection> out = new ArrayList<>(detections.size());
        for (Detection d : detections) {
            ObjectFilter f = byLabel.get(d.label());
            if (f == null || f.keeps(d, width, height)) {
                out.add(d);
            }
        }
        return out;
    }
}
