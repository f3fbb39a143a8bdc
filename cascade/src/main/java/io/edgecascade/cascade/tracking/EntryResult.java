package io.edgecascade.cascade.tracking;

import io.edgecascade.cascade.api.Attribute;
import io.edgecascade.cascade.api.Detection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one detect entry found on a frame: its detections (of its classes, past the camera's filters) and, per
 * detection, what the entries that run after it said about the object.
 *
 * @param detections the entry's detections, best first
 * @param attributes per detection (same order): the answers of the {@code after:} entries
 */
public record EntryResult(List<Detection> detections, List<List<Attribute>> attributes) {

    public EntryResult {
        detections = List.copyOf(detections);
        List<List<Attribute>> copy = new ArrayList<>(detections.size());
        for (int i = 0; i < detections.size(); i++) {
            copy.add(i < attributes.size() && attributes.get(i) != null ? List.copyOf(attributes.get(i)) : List.of());
        }
        attributes = Collections.unmodifiableList(copy);
    }

    /** Detections without attributes. */
    public static EntryResult of(List<Detection> detections) {
        return new EntryResult(detections, List.of());
    }
}
