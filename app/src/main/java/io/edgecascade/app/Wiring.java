package io.edgecascade.app;

import io.edgecascade.app.cli.UserError;
import io.edgecascade.app.config.AppConfig;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.detect.Labels;
import io.edgecascade.cascade.detect.ModelTypes;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.events.EventForwarding;
import io.edgecascade.cascade.events.EventLog;
import io.edgecascade.cascade.events.Uplink;
import io.edgecascade.cascade.forward.CloudSettings;
import io.edgecascade.cascade.forward.ForwardListener;
import io.edgecascade.cascade.forward.ForwardStats;
import io.edgecascade.cascade.forward.Forwarder;
import io.edgecascade.cascade.metrics.ForwardMetrics;
import io.edgecascade.cascade.metrics.ForwardResult;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.pipeline.DetectorFactory;
import io.edgecascade.cascade.pipeline.RunSummary;
import io.edgecascade.cascade.pipeline.SourceFactory;
import io.edgecascade.cascade.quantize.PrecisionChoice;
import io.edgecascade.cascade.quantize.QuantizeException;
import io.edgecascade.cascade.quantize.QuantizedModels;
import io.edgecascade.cascade.quantize.Quantizer;
import io.edgecascade.cascade.source.InterruptibleFfmpegSource;
import io.edgecascade.cloud.CloudServer;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.EngineRegistry;
import io.edgecascade.engines.InferenceEngine;
import io.edgecascade.engines.ModelHash;
import io.edgecascade.engines.layout.EngineThroughput;
import io.edgecascade.engines.layout.LayoutCache;
import io.edgecascade.engines.layout.LayoutChoice;
import io.edgecascade.engines.layout.LayoutProbe;
import io.edgecascade.engines.layout.WorkerLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the cascade a config describes: engine, detector, event log, cameras. */
public final class Wiring {

    private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);

    private Wiring() {
    }

    /** Opens the model on the configured engine and wraps it in the detector of its type (one worker's detector). */
    public static ObjectDetector detector(AppConfig config, EngineRegistry engines) {
        return detector(config, engines, config.engine(), config.model().path(), config.threads());
    }

    /**
     * The detector workers' first engine sessions, and the factory a worker reopens its session with (the same
     * engine, model file and threads).
     */
    public record Workers(List<ObjectDetector> detectors, DetectorFactory reopen) {
    }

    /**
     * One detector per worker, as {@code pipeline.detector_workers} says: a fixed count of {@code threads}-thread
     * sessions, or with {@code auto} the layout measured (or cached) for this model, engine and CPU.
     */
    public static Workers detectors(AppConfig config, EngineRegistry engines) {
        Path model = modelForPrecision(config, engines);
        List<ObjectDetector> out = new ArrayList<>();
        try {
            ObjectDetector first = detector(config, engines, config.engine(), model, config.threads());
            out.add(first);
            WorkerLayout layout = new WorkerLayout(Math.max(1, config.detectorWorkers()), config.threads());
            if (config.detectorWorkers() == AppConfig.AUTO_WORKERS) {
                layout = measuredLayout(config, engines, first.engine().name(), model);
                if (layout.threads() != config.threads()) {
                    first.close();
                    out.clear();
                }
            } else {
                LOG.info("detector workers: {} x {} thread(s), as pipeline.detector_workers and threads say",
                        layout.workers(), layout.threads());
            }
            String engine = first.engine().name();
            while (out.size() < layout.workers()) {
                out.add(detector(config, engines, engine, model, layout.threads()));
            }
            List<String> labels = labels(config);
            int threads = layout.threads();
            return new Workers(out, () -> openDetector(config, engines, engine, model, threads, labels));
        } catch (UserError e) {
            out.forEach(ObjectDetector::close);
            throw e;
        }
    }

    /**
     * The model file {@code model.precision} asks for: the configured one ({@code fp32}), its INT8 copy (made on
     * first start from {@code model.calibration}), or with {@code auto} whichever of the two runs faster on the engine.
     */
    static Path modelForPrecision(AppConfig config, EngineRegistry engines) {
        AppConfig.ModelConfig m = config.model();
        if ("fp32".equals(m.precision())) {
            return m.path();
        }
        String calibration = AppConfig.ModelConfig.CAMERA.equals(m.calibration())
                ? config.cameras().get(0).source() : m.calibration();
        Path int8;
        try {
            int8 = QuantizedModels.ensure(m.path(), calibration, m.calibrationFrames(), Quantizer.Options.defaults(),
                    config.engineSettings().cacheDir(), line -> LOG.info("model.precision {}: {}", m.precision(),
                            line));
        } catch (QuantizeException e) {
            throw new UserError("model.precision " + m.precision() + ": " + e.getMessage(), UserError.FAILED, e);
        }
        if ("int8".equals(m.precision())) {
            return int8;
        }
        try {
            PrecisionChoice choice = PrecisionChoice.measure(p -> millisPerInference(engines, config,
                    "int8".equals(p) ? int8 : m.path()));
            LOG.info("model.precision auto on engine {}: {}", config.engine(), choice.reason());
            return "int8".equals(choice.precision()) ? int8 : m.path();
        } catch (Exception e) {
            LOG.warn("model.precision auto: could not time the engine ({}); running FP32", e.getMessage());
            return m.path();
        }
    }

    /** Median of 15 timed inferences after 2 untimed ones, on a grey input. */
    private static double millisPerInference(EngineRegistry engines, AppConfig config, Path model)
            throws EngineException {
        AppConfig.EngineSettings es = config.engineSettings();
        try (InferenceEngine e = engines.open(config.engine(), new EngineOptions(model, config.threads(), es.device(),
                es.fp16(), es.int8(), es.cacheDir()))) {
            for (int i = 0; i < e.inputs().size(); i++) {
                java.nio.FloatBuffer b = e.input(i);
                while (b.hasRemaining()) {
                    b.put(114f);
                }
            }
            long[] nanos = new long[15];
            for (int i = -2; i < nanos.length; i++) {
                long t0 = System.nanoTime();
                e.infer();
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - t0;
                }
            }
            java.util.Arrays.sort(nanos);
            return nanos[nanos.length / 2] / 1e6;
        }
    }

    private static WorkerLayout measuredLayout(AppConfig config, EngineRegistry engines, String engine, Path model) {
        AppConfig.EngineSettings es = config.engineSettings();
        EngineOptions options = new EngineOptions(model, 1, es.device(), es.fp16(), es.int8(), es.cacheDir());
        int cores = Runtime.getRuntime().availableProcessors();
        try (EngineThroughput meter = new EngineThroughput(engines, engine, options, 150)) {
            String key = LayoutProbe.key(ModelHash.sha256(model), engine, es.device(),
                    engines.hardware().cpuModel(), cores);
            LayoutChoice choice = LayoutProbe.choose(key, WorkerLayout.candidates(cores), meter,
                    new LayoutCache(es.cacheDir()));
            LOG.info("detector workers (auto): {}", choice.reason());
            return choice.layout();
        } catch (IOException | EngineException e) {
            LOG.warn("detector workers (auto): could not measure layouts ({}); using 1 worker x {} thread(s)",
                    e.getMessage(), config.threads());
            return new WorkerLayout(1, config.threads());
        }
    }

    private static ObjectDetector detector(AppConfig config, EngineRegistry engines, String engineName, Path model,
            int threads) {
        List<String> labels = labels(config);
        try {
            ObjectDetector detector = openDetector(config, engines, engineName, model, threads, labels);
            LOG.info("detector: {} model {} on {}", config.model().type(), model, detector.engine());
            return detector;
        } catch (EngineException e) {
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
    }

    private static List<String> labels(AppConfig config) {
        try {
            return Labels.read(config.model().labels());
        } catch (IOException e) {
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
    }

    /** One engine session of {@code threads} threads with the model's decoder around it. */
    private static ObjectDetector openDetector(AppConfig config, EngineRegistry engines, String engineName, Path model,
            int threads, List<String> labels) throws EngineException {
        AppConfig.EngineSettings es = config.engineSettings();
        InferenceEngine engine = engines.open(engineName, new EngineOptions(model, threads, es.device(), es.fp16(),
                es.int8(), es.cacheDir()));
        try {
            return ModelTypes.detector(config.model().type(), engine, labels);
        } catch (EngineException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** The whole cascade, not yet started; it owns the detector and sinks it is given. */
    public static Cascade cascade(AppConfig config, EngineRegistry engines, List<FrameSink> extraSinks,
            List<PipelineObserver> observers) {
        return cascade(config, engines, extraSinks, observers, null);
    }

    /**
     * Like {@link #cascade(AppConfig, EngineRegistry, List, List)}, with each live camera's encoded packets shown to
     * {@code packets.apply(cameraId)} (null: none; recording event clips).
     */
    public static Cascade cascade(AppConfig config, EngineRegistry engines, List<FrameSink> extraSinks,
            List<PipelineObserver> observers,
            java.util.function.Function<String, InterruptibleFfmpegSource.PacketListener> packets) {
        EventLog events;
        try {
            events = EventLog.open(config.events(), config.frameLines());
        } catch (IOException e) {
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
        Workers detectors;
        try {
            detectors = detectors(config, engines);
        } catch (UserError e) {
            closeQuietly(events);
            throw e;
        }
        List<FrameSink> sinks = new ArrayList<>();
        sinks.add(events);
        sinks.addAll(extraSinks);
        return new Cascade(config.cameras(), SourceFactory.ffmpeg(packets), detectors.detectors(), detectors.reopen(),
                sinks, config.pipeline(), observers);
    }

    /** Reports the forwarder's outcomes to the metrics endpoint. */
    public static ForwardListener metricsListener(ForwardMetrics metrics) {
        return new ForwardListener() {
            @Override
            public void onAcked(String camera) {
                metrics.forwarded(camera, ForwardResult.ACKED);
            }

            @Override
            public void onSpooled(String camera) {
                metrics.forwarded(camera, ForwardResult.SPOOLED);
            }

            @Override
            public void onError(String camera) {
                metrics.forwarded(camera, ForwardResult.ERROR);
            }

            @Override
            public void onEvicted(String camera) {
                metrics.forwarded(camera, ForwardResult.EVICTED);
            }

            @Override
            public void onDeadLettered(String camera) {
                metrics.forwarded(camera, ForwardResult.DEAD_LETTERED);
            }

            @Override
            public void spoolBytes(long bytes) {
                metrics.spoolBytes(bytes);
            }

            @Override
            public void cloudUp(boolean up) {
                metrics.cloudUp(up);
            }

            @Override
            public void spoolAccepting(boolean accepting) {
                metrics.spoolAccepting(accepting);
            }
        };
    }

    /**
     * A running forwarder, its counters, and the sink that picks the frames it sends ({@code cloud.forward}); give
     * {@link #uplink()} to the cascade. {@link #addTo} is complete once the cascade has closed it.
     */
    public record Forwarding(Forwarder forwarder, ForwardStats stats, EventForwarding uplink) {
        public RunSummary.Forwarding summary(List<String> cameraIds) {
            return new RunSummary.Forwarding(stats.snapshot(cameraIds), forwarder.remainingBytes(),
                    forwarder.remaining(), forwarder.timingMillis());
        }

        /** The summary with the forwarder's outcome and the frames chosen for the uplink per camera. */
        public RunSummary addTo(RunSummary s, List<String> cameraIds) {
            java.util.Map<String, Long> frames = new java.util.LinkedHashMap<>();
            for (String id : cameraIds) {
                frames.put(id, uplink.framesForwarded().getOrDefault(id, 0L));
            }
            return s.withForwarding(summary(cameraIds)).withFramesForwarded(frames);
        }
    }

    /**
     * The cameras' best frames, kept once for the web page and the forwarder within {@code events.max_tracks} and
     * {@code events.best_frames_mb}, encoded at the quality the cloud gets ({@code cloud.jpeg_quality}).
     */
    public static BestFrames bestFrames(AppConfig config) {
        int quality = config.cloud() != null ? config.cloud().jpegQuality()
                : CloudSettings.defaults(AppConfig.EMBEDDED, "yolox").jpegQuality();
        return new BestFrames(config.bestFrames(), quality);
    }

    /**
     * Starts the forwarder the {@code cloud:} section asks for (and with {@code url: embedded} the reference
     * cloud server it sends to), or returns null when there is no {@code cloud:}. Give its {@code uplink()} to
     * {@link #cascade} as an extra sink: the cascade closes it, which closes the forwarder and drains the spool.
     */
    public static Forwarding forwarding(AppConfig config, List<ForwardListener> listeners,
            List<PipelineObserver> observers, BestFrames bestFrames) {
        CloudSettings cloud = config.cloud();
        if (cloud == null) {
            return null;
        }
        CloudServer embedded = null;
        if (AppConfig.EMBEDDED.equals(cloud.url())) {
            try {
                embedded = CloudServer.start(new CloudServer.Settings("127.0.0.1", 0,
                        Map.of(cloud.model(), config.model().path()), null, 1));
            } catch (IOException e) {
                throw new UserError("cannot start the embedded cloud server: " + e.getMessage(), UserError.FAILED, e);
            }
            cloud = cloud.withUrl("127.0.0.1:" + embedded.port());
        }
        ForwardStats stats = new ForwardStats();
        List<ForwardListener> all = new ArrayList<>();
        all.add(stats);
        all.addAll(listeners);
        try {
            Forwarder f = Forwarder.start(cloud, config.spool(), ForwardListener.of(all),
                    PipelineObserver.of(observers), embedded);
            return new Forwarding(f, stats, new EventForwarding(Uplink.to(f), config.forward(), bestFrames));
        } catch (IOException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already failing; the first error is the one to report
        }
    }
}
