package io.edgecascade.app;

import io.edgecascade.app.cli.UserError;
import io.edgecascade.app.config.AppConfig;
import io.edgecascade.cascade.api.Area;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.UseCase;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.detect.Labels;
import io.edgecascade.cascade.detect.ModelTypes;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.events.EventForwarding;
import io.edgecascade.cascade.events.EventLog;
import io.edgecascade.cascade.events.Uplink;
import io.edgecascade.cascade.forward.CloudSettings;
import io.edgecascade.cascade.forward.ForwardListener;
import io.edgecascade.cascade.forward.ForwardStats;
import io.edgecascade.cascade.forward.Forwarder;
import io.edgecascade.cascade.metrics.ForwardMetrics;
import io.edgecascade.cascade.metrics.ForwardResult;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.pipeline.DetectorFactory;
import io.edgecascade.cascade.pipeline.Detectors;
import io.edgecascade.cascade.pipeline.RunSummary;
import io.edgecascade.cascade.pipeline.SourceFactory;
import io.edgecascade.cascade.pipeline.UseCaseMaker;
import io.edgecascade.cascade.pipeline.UseCaseSpec;
import io.edgecascade.cascade.quantize.BatchRewrite;
import io.edgecascade.cascade.quantize.PrecisionChoice;
import io.edgecascade.cascade.quantize.QuantizeException;
import io.edgecascade.cascade.quantize.QuantizedModels;
import io.edgecascade.cascade.quantize.Quantizer;
import io.edgecascade.cascade.source.InterruptibleFfmpegSource;
import io.edgecascade.cascade.usecase.PolygonArea;
import io.edgecascade.cascade.usecase.SettingsView;
import io.edgecascade.cascade.usecase.UseCaseRegistry;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the cascade a config describes: engine, detector, event log, cameras. */
public final class Wiring {

    private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);

    private Wiring() {
    }

    /**
     * One detector per worker, each with one engine session per distinct model file and engine that a camera uses
     * (entries and cameras that run the same model file on the same engine share it), as
     * {@code pipeline.detector_workers} says: a fixed count of {@code threads}-thread workers, or with {@code auto} the
     * layout measured (or cached) for the first model, engine and CPU. A model no camera uses is not opened.
     */
    public static Detectors detectors(AppConfig config, EngineRegistry engines) {
        List<Session> sessions = sessions(config, engines);
        List<Map<String, ObjectDetector>> workers = new ArrayList<>();
        List<ObjectDetector> opened = new ArrayList<>();
        try {
            Session lead = sessions.get(0);
            ObjectDetector first = detector(lead, engines, lead.engine, config.threads(), config);
            opened.add(first);
            // the engine 'auto' (or a fallback) picked, for every other session of this model: chosen, and warned
            // about, once
            Map<String, String> engineOf = new LinkedHashMap<>();
            engineOf.put(lead.key, first.engine().name());
            WorkerLayout layout = new WorkerLayout(Math.max(1, config.detectorWorkers()), config.threads());
            if (config.detectorWorkers() == AppConfig.AUTO_WORKERS) {
                layout = measuredLayout(config, engines, first.engine().name(), lead.file);
                if (layout.threads() != config.threads()) {
                    first.close();
                    opened.clear();
                    first = null;
                }
            } else {
                LOG.info("detector workers: {} x {} thread(s), as pipeline.detector_workers and threads say",
                        layout.workers(), layout.threads());
            }
            for (int w = 0; w < layout.workers(); w++) {
                Map<String, ObjectDetector> worker = new LinkedHashMap<>();
                for (Session session : sessions) {
                    ObjectDetector d = w == 0 && session == lead && first != null ? first
                            : detector(session, engines, engineOf.getOrDefault(session.key, session.engine),
                                    layout.threads(), config);
                    if (d != first) {
                        opened.add(d);
                    }
                    engineOf.putIfAbsent(session.key, d.engine().name()); // the engine 'auto' picked, for the rest
                    worker.put(session.key, d);
                }
                workers.add(worker);
            }
            Map<String, DetectorFactory> reopen = new LinkedHashMap<>();
            Map<String, String> keyOfModel = new LinkedHashMap<>();
            int threads = layout.threads();
            for (Session session : sessions) {
                String engine = engineOf.get(session.key);
                reopen.put(session.key, () -> openDetector(session, engines, engine, threads, config));
                session.models.forEach(m -> keyOfModel.put(m, session.key));
            }
            // a camera built in code (the demo) has the default entry: it runs the first model
            String firstKey = keyOfModel.get(config.model().name());
            if (firstKey != null) {
                keyOfModel.putIfAbsent(TrackEvent.DEFAULT_MODEL, firstKey);
            }
            return new Detectors(workers, reopen, keyOfModel);
        } catch (RuntimeException e) {
            opened.forEach(ObjectDetector::close);
            throw e;
        }
    }

    /**
     * The engine sessions a worker needs: one per distinct model file (after {@code precision}), engine, type, labels
     * and input, among the models the cameras' detect entries use; the first is the first used model's.
     */
    private static List<Session> sessions(AppConfig config, EngineRegistry engines) {
        Set<String> used = new java.util.LinkedHashSet<>();
        for (CameraSettings c : config.cameras()) {
            c.analytics().detect().forEach(e -> used.add(TrackEvent.DEFAULT_MODEL.equals(e.model())
                    ? config.model().name() : e.model()));
        }
        Map<String, Session> bySignature = new LinkedHashMap<>();
        for (AppConfig.ModelConfig m : config.models()) {
            if (!used.contains(m.name())) {
                LOG.info("model {} is not used by any camera's detect: entries; it is not opened", m.name());
                continue;
            }
            Path file = modelForPrecision(config, m, engines);
            String engine = m.engineOr(config.engine());
            String signature = String.join("|", file.toAbsolutePath().toString(), engine, m.type(),
                    m.labels().toAbsolutePath().toString(), m.input().toString());
            bySignature.computeIfAbsent(signature, k -> new Session(m.name(), m, file, batched(config, m, file), engine,
                    labels(m))).models.add(m.name());
        }
        if (bySignature.isEmpty()) {
            throw new UserError("no camera uses a model; list one in a camera's detect:", UserError.USAGE, null);
        }
        return new ArrayList<>(bySignature.values());
    }

    /** One engine session of each worker: a model file on an engine, shared by the models that name them. */
    private static final class Session {
        final String key;
        final AppConfig.ModelConfig model;
        final Path file;
        /** What the engine loads: {@link #file}, or its copy rewritten to {@code pipeline.batch}. */
        final Path runFile;
        final String engine;
        final List<String> labels;
        final List<String> models = new ArrayList<>();

        Session(String key, AppConfig.ModelConfig model, Path file, Path runFile, String engine,
                List<String> labels) {
            this.key = key;
            this.model = model;
            this.file = file;
            this.runFile = runFile;
            this.engine = engine;
            this.labels = labels;
        }
    }

    /**
     * The file a session of model {@code m} loads: with {@code pipeline.batch} above 1, a YOLOX model's copy rewritten
     * to that batch (written once to the engine cache folder); other models (classifiers, run box by box) as they are.
     */
    private static Path batched(AppConfig config, AppConfig.ModelConfig m, Path file) {
        int batch = config.pipeline().detectorBatch();
        if (batch == 1 || !ModelTypes.YOLOX.equals(m.type())) {
            return file;
        }
        try {
            Path out = BatchRewrite.file(file, batch, config.engineSettings().cacheDir());
            LOG.info("model {}: pipeline.batch {}: running {}", m.name(), batch, out);
            return out;
        } catch (QuantizeException e) {
            throw new UserError("model " + m.name() + ": pipeline.batch " + batch + ": " + e.getMessage()
                    + " (or set pipeline.batch: 1)", UserError.FAILED, e);
        }
    }

    /**
     * The model file {@code precision} asks for: the configured one ({@code fp32}), its INT8 copy (made on
     * first start from {@code calibration}), or with {@code auto} whichever of the two runs faster on the engine.
     */
    static Path modelForPrecision(AppConfig config, AppConfig.ModelConfig m, EngineRegistry engines) {
        if ("fp32".equals(m.precision())) {
            return m.path();
        }
        String calibration = AppConfig.ModelConfig.CAMERA.equals(m.calibration())
                ? config.cameras().get(0).source() : m.calibration();
        Path int8;
        try {
            int8 = QuantizedModels.ensure(m.path(), calibration, m.calibrationFrames(), Quantizer.Options.defaults(),
                    config.engineSettings().cacheDir(), line -> LOG.info("model {} precision {}: {}", m.name(),
                            m.precision(), line));
        } catch (QuantizeException e) {
            throw new UserError("model " + m.name() + " precision " + m.precision() + ": " + e.getMessage(),
                    UserError.FAILED, e);
        }
        if ("int8".equals(m.precision())) {
            return int8;
        }
        String engine = m.engineOr(config.engine());
        try {
            PrecisionChoice choice = PrecisionChoice.measure(p -> millisPerInference(engines, config, engine,
                    "int8".equals(p) ? int8 : m.path()));
            LOG.info("model {} precision auto on engine {}: {}", m.name(), engine, choice.reason());
            return "int8".equals(choice.precision()) ? int8 : m.path();
        } catch (Exception e) {
            LOG.warn("model {} precision auto: could not time the engine ({}); running FP32", m.name(),
                    e.getMessage());
            return m.path();
        }
    }

    /** Median of 15 timed inferences after 2 untimed ones, on a grey input. */
    private static double millisPerInference(EngineRegistry engines, AppConfig config, String engine, Path model)
            throws EngineException {
        AppConfig.EngineSettings es = config.engineSettings();
        try (InferenceEngine e = engines.open(engine, new EngineOptions(model, config.threads(), es.device(),
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

    private static ObjectDetector detector(Session session, EngineRegistry engines, String engineName, int threads,
            AppConfig config) {
        try {
            ObjectDetector detector = openDetector(session, engines, engineName, threads, config);
            LOG.info("detector: {} model {} ({}) on {}", session.model.type(), session.runFile,
                    String.join(", ", session.models.isEmpty() ? List.of(session.key) : session.models),
                    detector.engine());
            return detector;
        } catch (EngineException e) {
            throw new UserError("model " + session.key + ": " + e.getMessage(), UserError.FAILED, e);
        }
    }

    private static List<String> labels(AppConfig.ModelConfig m) {
        try {
            return Labels.read(m.labels());
        } catch (IOException e) {
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
    }

    /** One engine session of {@code threads} threads with the model's decoder around it. */
    private static ObjectDetector openDetector(Session session, EngineRegistry engines, String engineName,
            int threads, AppConfig config) throws EngineException {
        AppConfig.EngineSettings es = config.engineSettings();
        InferenceEngine engine = engines.open(engineName, new EngineOptions(session.runFile, threads, es.device(),
                es.fp16(), es.int8(), es.cacheDir()));
        try {
            return ModelTypes.detector(session.model.type(), engine, session.labels, session.model.input());
        } catch (EngineException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /**
     * Makes the cameras' use cases from the types {@code plugins.dir} and the build know; each gets its camera's
     * zones and the labels of the models.
     */
    public static UseCaseMaker useCases(AppConfig config) {
        UseCaseRegistry registry = UseCaseRegistry.forDir(config.pluginsDir());
        Set<String> labels = new java.util.LinkedHashSet<>();
        for (AppConfig.ModelConfig m : config.models()) {
            if (ModelTypes.findsBoxes(m.type())) {
                labels.addAll(labels(m));
            }
        }
        return new UseCaseMaker() {
            @Override
            public UseCase make(CameraSettings camera, UseCaseSpec spec) throws Exception {
                UseCaseRegistry.Known known = registry.find(spec.type());
                if (known == null) {
                    throw new IllegalStateException("no use case of type '" + spec.type() + "' is known");
                }
                Map<String, Area> zones = new LinkedHashMap<>();
                camera.zones().forEach(z -> zones.put(z.name(), PolygonArea.of(z)));
                List<String> problems = new ArrayList<>();
                SettingsView view = new SettingsView(spec.name(), spec.type(), camera.id(), spec.settings(), zones,
                        labels, (key, message) -> problems.add(key + ": " + message));
                UseCase u = known.factory().create(view);
                if (!problems.isEmpty()) {
                    closeQuietly(u);
                    throw new IllegalArgumentException(String.join("; ", problems));
                }
                return u;
            }

            @Override
            public String origin(String type) {
                UseCaseRegistry.Known known = registry.find(type);
                return known == null ? "" : known.origin();
            }
        };
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
        Detectors detectors;
        UseCaseMaker useCases;
        try {
            detectors = detectors(config, engines);
            useCases = useCases(config);
        } catch (RuntimeException e) {
            closeQuietly(events);
            throw e;
        }
        List<FrameSink> sinks = new ArrayList<>();
        sinks.add(events);
        sinks.addAll(extraSinks);
        return new Cascade(config.cameras(), SourceFactory.ffmpeg(packets), detectors, useCases, sinks,
                config.pipeline(), observers);
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
