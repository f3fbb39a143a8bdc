package io.edgecascade.cascade.api;

import java.util.Objects;

/**
 * What a secondary model ({@code detect[].after}) found on a tracked object's box, e.g. the colour of a car: the
 * event lines carry it as {@code {"<model>": "<label>", "score": 0.81}}. A track keeps, per secondary model, the
 * answer with the highest score so far.
 *
 * @param model the name of the secondary detect entry
 * @param label what it answered (a label of its model)
 * @param score how sure it is, 0..1
 */
public record Attribute(String model, String label, float score) {
    public Attribute {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(label, "label");
    }
}
