package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.motion.MotionSettings;
import java.util.Objects;

/**
 * One camera of the config, defaults already merged in.
 *
 * @param id       unique name, used in events, logs and metrics
 * @param source   file path or stream URL (see {@link io.edgecascade.cascade.source.SourceUri})
 * @param realtime for files: true = read at the file's frame rate like a live camera, false = as fast as
 *                 possible without dropping frames
 */
public record CameraSettings(String id, String source, boolean realtime, MotionSettings motion,
        DetectorSettings detector) {
    public CameraSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(motion, "motion");
        Objects.requireNonNull(detector, "detector");
    }
}
