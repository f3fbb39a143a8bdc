package io.edgecascade.cascade.api;

/**
 * One detected object, box corners in frame pixels.
 *
 * @param label   class name from the labels file
 * @param classId class index in the model's output
 * @param score   objectness x class probability, 0..1
 */
public record Detection(String label, int classId, float score, float x1, float y1, float x2, float y2) {

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
}
