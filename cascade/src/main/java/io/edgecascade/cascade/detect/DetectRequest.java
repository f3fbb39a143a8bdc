package io.edgecascade.cascade.detect;

import java.util.Objects;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One image of a batch ({@link ObjectDetector#detectBatch}): a frame or a region of one, with the thresholds of the
 * camera and entry it is for (images of one batch may come from cameras with different settings).
 *
 * @param bgr      the image (a frame or a view of one); the caller keeps it open until the batch has run
 * @param minScore least score kept
 * @param nmsIou   overlap above which boxes of one class are merged
 */
public record DetectRequest(Mat bgr, float minScore, float nmsIou) {

    public DetectRequest {
        Objects.requireNonNull(bgr, "bgr");
    }
}
