package io.edgecascade.app.config;

import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.forward.CloudSettings;
import io.edgecascade.cascade.pipeline.CascadeOptions;
import io.edgecascade.cascade.spool.SpoolDirectory;
import java.nio.file.Path;
import java.util.List;

/**
 * A validated config file.
 *
 * @param model    the detector model
 * @param engine   engine name, or {@code auto}
 * @param threads  inference threads
 * @param events   where positive frames are logged, one JSON line each
 * @param pipeline queue sizes and progress-log interval
 * @param cameras  every camera with the defaults merged in
 * @param cloud    where positives are forwarded ({@code url} may be {@value #EMBEDDED}), or null for nowhere
 * @param spool    the store-and-forward spool (used when {@code cloud} is set)
 */
public record AppConfig(ModelConfig model, String engine, int threads, Path events, CascadeOptions pipeline,
        List<CameraSettings> cameras, CloudSettings cloud, SpoolDirectory.Settings spool) {

    /** {@code cloud.url} value that runs the reference cloud server inside the agent. */
    public static final String EMBEDDED = "embedded";

    public AppConfig {
        cameras = List.copyOf(cameras);
    }

    /** A config without forwarding. */
    public AppConfig(ModelConfig model, String engine, int threads, Path events, CascadeOptions pipeline,
            List<CameraSettings> cameras) {
        this(model, engine, threads, events, pipeline, cameras, null, null);
    }

    /** This config forwarding to {@code cloud} through {@code spool}. */
    public AppConfig withCloud(CloudSettings newCloud, SpoolDirectory.Settings newSpool) {
        return new AppConfig(model, engine, threads, events, pipeline, cameras, newCloud, newSpool);
    }

    /**
     * @param path   the ONNX model
     * @param type   the decoder family ({@code yolox})
     * @param labels class names, one per line
     */
    public record ModelConfig(Path path, String type, Path labels) {
    }
}
