package io.edgecascade.app.config;

import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.events.EventForwarding;
import io.edgecascade.cascade.forward.CloudSettings;
import io.edgecascade.cascade.metrics.MetricsSettings;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.CascadeOptions;
import io.edgecascade.cascade.record.RecordSettings;
import io.edgecascade.cascade.spool.SpoolDirectory;
import io.edgecascade.cascade.ui.UiSettings;
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
 * @param cloud    where positives are forwarded ({@code url} may be {@value #EMBEDDED}), or null for nowhere
 * @param spool    the store-and-forward spool (used when {@code cloud} is set)
 * @param forward  which frames go to the cloud ({@code cloud.forward}): the events' best frames or every positive
 * @param frameLines {@code events.frames}: the events file also gets a line per positive frame
 * @param ui       the web page ({@code ui:}), or {@link UiSettings#OFF}
 * @param record   event clips ({@code record:}), or {@link RecordSettings#OFF}
 * @param detectorWorkers {@code pipeline.detector_workers}: detector workers, each with its own engine session of
 *                 {@code threads} threads; {@value #AUTO_WORKERS} = measure the best layout at start-up
 * @param bestFrames {@code events.max_tracks} and {@code events.best_frames_mb}: the bounds of the best frames kept
 *                 for the page and the forwarder
 */
public record AppConfig(ModelConfig model, String engine, int threads, Path events, CascadeOptions pipeline,
        List<CameraSettings> cameras, EngineSettings engineSettings, MetricsSettings metrics, CloudSettings cloud,
        SpoolDirectory.Settings spool, EventForwarding.Mode forward, boolean frameLines, UiSettings ui,
        RecordSettings record, int detectorWorkers, BestFrames.Settings bestFrames) {

    /** {@code detectorWorkers} value of {@code pipeline.detector_workers: auto}. */
    public static final int AUTO_WORKERS = 0;

    /** {@code cloud.url} value that runs the reference cloud server inside the agent. */
    public static final String EMBEDDED = "embedded";

    public AppConfig {
        if (detectorWorkers < 0) {
            throw new IllegalArgumentException("detectorWorkers must be 0 (auto) or more");
        }
        cameras = List.copyOf(cameras);
        Objects.requireNonNull(engineSettings, "engineSettings");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(forward, "forward");
        Objects.requireNonNull(ui, "ui");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(bestFrames, "bestFrames");
    }

    /** A config with the default bounds of the best frames. */
    public AppConfig(ModelConfig model, String engine, int threads, Path events, CascadeOptions pipeline,
            List<CameraSettings> cameras, EngineSettings engineSettings, MetricsSettings metrics, CloudSettings cloud,
            SpoolDirectory.Settings spool, EventForwarding.Mode forward, boolean frameLines, UiSettings ui,
            RecordSettings record, int detectorWorkers) {
        this(model, engine, threads, events, pipeline, cameras, engineSettings, metrics, cloud, spool, forward,
                frameLines, ui, record, detectorWorkers, BestFrames.Settings.DEFAULTS);
    }

    /** A config whose detector layout is measured at start-up ({@code detector_workers: auto}). */
    public AppConfig(ModelConfig model, String engine, int threads, Path events, CascadeOptions pipeline,
            List<CameraSettings> cameras, EngineSettings engineSettings, MetricsSettings metrics, CloudSettings cloud,
            SpoolDirectory.Settings spool, EventForwarding.Mode forward, boolean frameLines, UiSettings ui,
            RecordSettings record) {
        this(model, engine, threads, events, pipeline, cameras, engineSettings, metrics, cloud, spool, forward,
                frameLines, ui, record, AUTO_WORKERS);
    }

    /** A config without the web page. */
    public AppConfig(ModelConfig model, String engine, int threads, Path events, CascadeOptions pipeline,
            List<CameraSettings> cameras, EngineSettings engineSettings, MetricsSettings metrics, CloudSettings cloud,
            SpoolDirectory.Settings spool, EventForwarding.Mode forward, boolean frameLines) {
        this(model, engine, threads, events, pipeline, cameras, engineSettings, metrics, cloud, spool, forward,
                frameLines, UiSettings.OFF, RecordSettings.OFF);
    }

    /** This config with other cameras. */
    public AppConfig withCameras(List<CameraSettings> newCameras) {
        return new AppConfig(model, engine, threads, events, pipeline, newCameras, engineSettings, metrics, cloud,
                spool, forward, frameLines, ui, record, detectorWorkers, bestFrames);
    }

    /** This config with the web page {@code newUi}. */
    public AppConfig withUi(UiSettings newUi) {
        return new AppConfig(model, engine, threads, events, pipeline, cameras, engineSettings, metrics, cloud, spool,
                forward, frameLines, newUi, record, detectorWorkers, bestFrames);
    }

    /** A config forwarding the events' best frames (when it forwards at all). */
    public AppConfig(ModelConfig model, String engine, int threads, Path events, CascadeOptions pipeline,
            List<CameraSettings> cameras, EngineSettings engineSettings, MetricsSettings metrics, CloudSettings cloud,
            SpoolDirectory.Settings spool) {
        this(model, engine, threads, events, pipeline, cameras, engineSettings, metrics, cloud, spool,
                EventForwarding.Mode.EVENTS, false);
    }

    /** A config built in code (the demo): default engine options, no metrics endpoint, no forwarding. */
    public AppConfig(ModelConfig model, String engine, int threads, Path events, CascadeOptions pipeline,
            List<CameraSettings> cameras) {
        this(model, engine, threads, events, pipeline, cameras, EngineSettings.DEFAULTS, MetricsSettings.DISABLED,
                null, null);
    }

    /** A config without forwarding. */
    public AppConfig(ModelConfig model, String engine, int threads, Path events, CascadeOptions pipeline,
            List<CameraSettings> cameras, EngineSettings engineSettings, MetricsSettings metrics) {
        this(model, engine, threads, events, pipeline, cameras, engineSettings, metrics, null, null);
    }

    /** This config forwarding to {@code cloud} through {@code spool}. */
    public AppConfig withCloud(CloudSettings newCloud, SpoolDirectory.Settings newSpool) {
        return new AppConfig(model, engine, threads, events, pipeline, cameras, engineSettings, metrics, newCloud,
                newSpool, forward, frameLines, ui, record, detectorWorkers, bestFrames);
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
     * @param path      the ONNX model
     * @param type      the decoder family ({@code yolox})
     * @param labels    class names, one per line
     * @param precision {@code model.precision}: {@code fp32} runs the file as it is, {@code int8} a quantized copy
     *                  made on first start, {@code auto} the faster of the two on the engine
     * @param calibration {@code model.calibration}: {@code camera} (the first camera's frames) or an image folder
     * @param calibrationFrames frames the quantization calibrates on
     */
    public record ModelConfig(Path path, String type, Path labels, String precision, String calibration,
            int calibrationFrames) {

        public static final List<String> PRECISIONS = List.of("fp32", "int8", "auto");
        public static final String CAMERA = "camera";

        public ModelConfig {
            Objects.requireNonNull(precision, "precision");
            Objects.requireNonNull(calibration, "calibration");
        }

        /** An FP32 model as it is. */
        public ModelConfig(Path path, String type, Path labels) {
            this(path, type, labels, "fp32", CAMERA, 50);
        }
    }
}
