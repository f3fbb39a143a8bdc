package io.edgecascade.app.config;

import io.edgecascade.cascade.metrics.MetricsSettings;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.CascadeOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A validated config file.
 *
 * @param model    the detector model
 * @param engine   engine name, or {@code auto}
 * @param threads  inference threads
 * @param events   where positive frames are logged, one JSON line each
 * @param pipeline queue sizes and progress-log interval
 * @param cameras  every camera with the defaults merged in
 * @param metrics  where the Prometheus endpoint listens ({@code metrics.listen}), or disabled
 */
public record AppConfig(ModelConfig model, String engine, int threads, Path events, CascadeOptions pipeline,
        List<CameraSettings> cameras, MetricsSettings metrics) {

    public AppConfig {
        cameras = List.copyOf(cameras);
        Objects.requireNonNull(metrics, "metrics");
    }

    /** A config built in code (the demo): no metrics endpoint. */
    public AppConfig(ModelConfig model, String engine, int threads, Path events, CascadeOptions pipeline,
            List<CameraSettings> cameras) {
        this(model, engine, threads, events, pipeline, cameras, MetricsSettings.DISABLED);
    }

    /**
     * @param path   the ONNX model
     * @param type   the decoder family ({@code yolox})
     * @param labels class names, one per line
     */
    public record ModelConfig(Path path, String type, Path labels) {
    }
}
