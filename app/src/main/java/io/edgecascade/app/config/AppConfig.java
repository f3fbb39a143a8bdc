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
 * @param engineSettings {@code engine_options:} device, precision switches and engine cache
 * @param metrics  where the Prometheus endpoint listens ({@code metrics.listen}), or disabled
 */
public record AppConfig(ModelConfig model, String engine, int threads, Path events, CascadeOptions pipeline,
        List<CameraSettings> cameras, EngineSettings engineSettings, MetricsSettings metrics) {

    public AppConfig {
        cameras = List.copyOf(cameras);
        Objects.requireNonNull(engineSettings, "engineSettings");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** A config built in code (the demo): default engine options, no metrics endpoint. */
    public AppConfig(ModelConfig model, String engine, int threads, Path events, CascadeOptions pipeline,
            List<CameraSettings> cameras) {
        this(model, engine, threads, events, pipeline, cameras, EngineSettings.DEFAULTS, MetricsSettings.DISABLED);
    }

    /**
     * {@code engine_options:}.
     *
     * @param device   engine device: OpenVINO CPU/GPU/NPU/AUTO, CUDA index 0.. ; empty = the engine's default
     * @param fp16     allow half precision on GPUs (TensorRT, OpenVINO GPU)
     * @param int8     build INT8 TensorRT engines (needs a QDQ-quantized model)
     * @param cacheDir compiled engines (TensorRT plans, OpenVINO GPU blobs)
     */
    public record EngineSettings(String device, boolean fp16, boolean int8, Path cacheDir) {
        public static final EngineSettings DEFAULTS = new EngineSettings("", true, false,
                io.edgecascade.engines.EngineOptions.defaultCacheDir());
    }

    /**
     * @param path   the ONNX model
     * @param type   the decoder family ({@code yolox})
     * @param labels class names, one per line
     */
    public record ModelConfig(Path path, String type, Path labels) {
    }
}
