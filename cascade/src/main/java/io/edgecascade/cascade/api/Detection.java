package io.edgecascade.cascade.api;

/**
 * One detected object, box corners in frame pixels.
 *
 * @param label   class name from the labels file
 * @param classId class index in the model's output
 * @param score   objectness x class probability, 0..1
 * @param model   the name of the detect entry that found it ({@code detect[].name}); null before the pipeline named
 *                it (inside a detector)
 */
public record Detection(String label, int classId, float score, float x1, float y1, float x2, float y2,
        String model) {

    /** A detection not yet named after its detect entry. */
    public Detection(String label, int classId, float score, float x1, float y1, float x2, float y2) {
        this(label, classId, score, x1, y1, x2, y2, null);
    }

    public float width() {
        return x2 - x1;
    }

    public float height() {
        return y2 - y1;
    }

    /** Intersection over union with another box. */
    public float iou(Detection o) {
        return Boxes.iou(x1, y1, x2, y2, o.x1, o.y1, o.x2, o.y2);
    }

    /** This detection found by the detect entry {@code entry}. */
    public Detection withModel(String entry) {
        return new Detection(label, classId, score, x1, y1, x2, y2, entry);
    }

    /** The box moved by ({@code dx}, {@code dy}) pixels (a detection on a region, mapped back to the frame). */
    public Detection shifted(float dx, float dy) {
        return new Detection(label, classId, score, x1 + dx, y1 + dy, x2 + dx, y2 + dy, model);
    }
}
