package io.edgecascade.cascade.detect;

import io.edgecascade.cascade.api.Detection;
import java.util.List;

/**
 * The detections of one frame and what each step cost.
 *
 * @param detections       after score threshold and NMS, best first
 * @param preprocessNanos  letterbox and layout conversion
 * @param inferenceNanos   the engine's run
 * @param postprocessNanos decoding and NMS
 */
public record DetectionResult(List<Detection> detections, long preprocessNanos, long inferenceNanos,
        long postprocessNanos) {
    public DetectionResult {
        detections = List.copyOf(detections);
    }
}
