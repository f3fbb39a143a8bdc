package io.edgecascade.cascade.metrics;

import io.edgecascade.cascade.api.LookSkip;
import io.edgecascade.cascade.api.Outcome;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.Stage;
import io.edgecascade.engines.EngineInfo;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The Prometheus metrics of one edge-cascade process, fed by the pipeline (as a {@link PipelineObserver}) and
 * by the cloud forwarder (as {@link ForwardMetrics}), plus the readiness checks built on the same state.
 *
 * <p>Series (all prefixed {@code edge_cascade_}): {@code frames_total{camera,outcome}},
 * {@code stage_duration_seconds{camera,stage}} (histogram), {@code camera_up{camera}},
 * {@code camera_fps{camera}} (over a sliding window), {@code queue_depth{camera,queue}},
 * {@code errors_total{camera,stage}} (failures on one frame: decode, capture, detector, tracking, sink_<name>),
 * {@code stage_restarts_total{stage}}, {@code sink_dropped_total{camera,sink}},
 * {@code sink_messages_total{sink,outcome}}, {@code sink_outbox_bytes{sink}},
 * {@code forward_total{camera,result}}, {@code spool_bytes}, {@code cloud_up}, {@code engine_info}, {@code
 * build_info}, and the client library's JVM and process metrics. Labels hold camera ids from the config and
 * fixed names only, never a source URL, so credentials in an RTSP URL cannot leak into a label.
 *
 * <p>Every counter and histogram series of the configured cameras exists from the start (at 0), so
 * {@code rate()} sees the first frames. Each instance has its own {@link PrometheusRegistry}.
 */
public final class CascadeMetrics implements PipelineObserver, ForwardMetrics {

    /** Metric name prefix. */
    public static final String PREFIX = "edge_cascade_";
    /** Histogram buckets from 0.1 ms (decode, gate) to 1 s (inference on a slow CPU, a cloud round trip). */
    static final double[] STAGE_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
        0.25, 0.5, 1.0};
    /** Buckets of {@code detector_batch_images}: every size up to 8, then up to {@code pipeline.batch}'s 16. */
    static final double[] BATCH_BUCKETS = {1, 2, 3, 4, 5, 6, 7, 8, 12, 16};
    /** Default: a camera with no decoded frame for this long is not ready. */
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(10);
    /** Window of {@code camera_fps}. */
    static final Duration FPS_WINDOW = Duration.ofSeconds(10);

    /** One camera's state: cached data points (no label lookup per frame) and what readiness needs. */
    private final class CameraState {
        final String id;
        final EnumMap<Outcome, CounterDataPoint> outcomes = new EnumMap<>(Outcome.class);
        final EnumMap<Stage, DistributionDataPoint> stages = new EnumMap<>(Stage.class);
        final FrameRateWindow fps = new FrameRateWindow(FPS_WINDOW.toNanos());
        final FrameRateWindow looks = new FrameRateWindow(FPS_WINDOW.toNanos());
        final EnumMap<LookSkip, CounterDataPoint> skipped = new EnumMap<>(LookSkip.class);
        volatile boolean up;
        volatile boolean started;
        volatile boolean stopped;
        volatile long lastFrameNanos;
        /** A live camera's connection state and latest failure; null for files. */
        volatile io.edgecascade.cascade.api.CameraState health;
        volatile String lastError;

        CameraState(String id) {
            this.id = id;
            for (Outcome o : Outcome.values()) {
                outcomes.put(o, frames.labelValues(id, o.label()));
            }
            for (Stage s : Stage.values()) {
                stages.put(s, stageDuration.labelValues(id, s.label()));
            }
            for (LookSkip w : LookSkip.values()) {
                skipped.put(w, looksSkipped.labelValues(id, w.label()));
            }
            cameraUp.labelValues(id).set(0);
            for (String stage : List.of("decode", "capture", "detector", "tracking")) {
                errors.initLabelValues(id, stage);
            }
            reconnects.labelValues(id);
            stalls.labelValues(id);
        }
    }

    private final PrometheusRegistry registry;
    private final LongSupplier clock;
    private final long staleAfterNanos;
    private final Counter frames;
    private final Histogram stageDuration;
    private final Gauge cameraUp;
    private final Counter reconnects;
    private final Counter stalls;
    private final Gauge cameraState;
    private final Counter forwards;
    private final Counter errors;
    private final Counter restarts;
    private final Counter sinkDropped;
    private final Counter sinkMessages;
    private final Gauge sinkOutboxBytes;
    private final Info engineInfo;
    private final Map<String, CameraState> cameras = new ConcurrentHashMap<>();
    private final List<String> cameraOrder = new ArrayList<>();
    private volatile Supplier<Map<String, Map<String, Integer>>> queueDepths = Map::of;
    private volatile Supplier<Map<String, Map<String, Map<String, Long>>>> useCaseCounts = Map::of;
    private final Counter modelRuns;
    private final Histogram detectorBatch;
    private final Counter looksSkipped;
    private volatile java.util.function.LongSupplier sinkPixelBytes;
    private volatile EngineInfo engine;
    private volatile boolean forwarderReporting;
    private volatile boolean cloudUp;
    private volatile boolean spoolAccepting = true;
    private volatile long spoolBytes;

    /** Metrics for {@code cameraIds} with JVM metrics, a fresh registry and the default staleness. */
    public CascadeMetrics(List<String> cameraIds, String version) {
        this(cameraIds, version, new PrometheusRegistry(), DEFAULT_STALE_AFTER, System::nanoTime, true);
    }

    /**
     * @param staleAfter a camera whose last frame is older than this is not ready
     * @param clock      monotonic nanoseconds (tests pass their own)
     * @param jvm        whether to register the JVM and process metrics
     */
    public CascadeMetrics(List<String> cameraIds, String version, PrometheusRegistry registry, Duration staleAfter,
            LongSupplier clock, boolean jvm) {
        this.registry = registry;
        this.clock = clock;
        this.staleAfterNanos = staleAfter.toNanos();
        frames = Counter.builder().name(PREFIX + "frames_total")
                .help("Frames per camera by what happened to them: decoded, motion (gate open), motion_skipped,"
                        + " detected (detector ran), positive (a configured class found), dropped (detector busy),"
                        + " decode_error, detector_error (the detector threw on the frame; it was skipped)")
                .labelNames("camera", "outcome").register(registry);
        stageDuration = Histogram.builder().name(PREFIX + "stage_duration_seconds").unit(Unit.SECONDS)
                .help("Time one frame spent in a pipeline stage: decode, motion, preprocess, inference,"
                        + " postprocess, encode, forward")
                .labelNames("camera", "stage").classicOnly().classicUpperBounds(STAGE_BUCKETS).register(registry);
        cameraUp = Gauge.builder().name(PREFIX + "camera_up")
                .help("1 while the camera's source is open and delivering frames, else 0")
                .labelNames("camera").register(registry);
        reconnects = Counter.builder().name(PREFIX + "camera_reconnects")
                .help("Times a live camera connected again after a failure, a stream end or a stall")
                .labelNames("camera").register(registry);
        stalls = Counter.builder().name(PREFIX + "camera_stalls")
                .help("Times a live camera's watchdog closed its input: no frame for stall_seconds")
                .labelNames("camera").register(registry);
        cameraState = Gauge.builder().name(PREFIX + "camera_state")
                .help("1 for a live camera's current connection state (connecting, streaming, backoff, stalled),"
                        + " 0 for the others")
                .labelNames("camera", "state").register(registry);
        GaugeWithCallback.builder().name(PREFIX + "camera_fps")
                .help("Frames per second decoded from the camera over the last " + FPS_WINDOW.toSeconds() + " s")
                .labelNames("camera")
                .callback(cb -> {
                    long now = clock.getAsLong();
                    for (String id : cameraIds()) {
                        cb.call(cameras.get(id).fps.rate(now), id);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name(PREFIX + "looks_per_second")
                .help("Looks of the detector at the camera's frames (frames detected) per second over the last "
                        + FPS_WINDOW.toSeconds() + " s")
                .labelNames("camera")
                .callback(cb -> {
                    long now = clock.getAsLong();
                    for (String id : cameraIds()) {
                        cb.call(cameras.get(id).looks.rate(now), id);
                    }
                }).register(registry);
        looksSkipped = Counter.builder().name(PREFIX + "looks_skipped_total")
                .help("Looks of the detector the camera's tracked objects made unnecessary"
                        + " (tracking.look_again_max_s), by reason: explained_by_tracks (all motion inside the"
                        + " predicted boxes of objects not due for a look), tracks_not_due (held open without motion,"
                        + " no object due), region_only (the look covered only new motion, tracked objects left out)")
                .labelNames("camera", "reason").register(registry);
        GaugeWithCallback.builder().name(PREFIX + "queue_depth")
                .help("Frames of the camera waiting in a queue: detector (gated frames before the detector),"
                        + " output (positive frames before the event log and forwarder)")
                .labelNames("camera", "queue")
                .callback(cb -> queueDepths.get().forEach((camera, queues) -> queues.forEach(
                        (queue, depth) -> cb.call(depth, camera, queue))))
                .register(registry);
        GaugeWithCallback.builder().name(PREFIX + "sink_pixels_bytes").unit(Unit.BYTES)
                .help("Bytes of pixels held by detected frames on their way to the sinks (only frames a sink reads"
                        + " the pixels of hold any; bounded by pipeline.sink_memory_mb)")
                .callback(cb -> {
                    var bytes = sinkPixelBytes;
                    if (bytes != null) {
                        cb.call(bytes.getAsLong());
                    }
                }).register(registry);
        errors = Counter.builder().name(PREFIX + "errors_total")
                .help("Failures of a stage on one frame of a camera (the frame was dropped there and the stage went"
                        + " on): decode, capture (OpenCV, packet listener), detector (engine error on the input),"
                        + " tracking, sink_<name> (the sink threw on the frame)")
                .labelNames("camera", "stage").register(registry);
        restarts = Counter.builder().name(PREFIX + "stage_restarts_total")
                .help("Times a stage restarted its resource after pipeline.error_budget failures in a row: detector"
                        + " (a new engine session), capture (the camera reconnected), sink_<name> (the sink reopened)")
                .labelNames("stage").register(registry);
        modelRuns = Counter.builder().name(PREFIX + "model_runs_total")
                .help("Runs of each detect entry per camera: once per frame for an entry that finds boxes (all its"
                        + " regions together), once per box for an entry that runs after another (detect[].after)")
                .labelNames("camera", "model").register(registry);
        detectorBatch = Histogram.builder().name(PREFIX + "detector_batch_images")
                .help("Images (frames or regions) in each batch a detector worker ran, by the model's batch"
                        + " (pipeline.batch; only above 1): _sum/_count is the mean fill, a partial batch is padded")
                .labelNames("batch").classicOnly().classicUpperBounds(BATCH_BUCKETS).register(registry);
        GaugeWithCallback.builder().name(PREFIX + "use_case_count")
                .help("What each use case counted (use_cases[]): line_crossing forward/backward, occupancy per label"
                        + " now and the day's maximum, loitering, a plug-in's own keys")
                .labelNames("camera", "use_case", "key")
                .callback(cb -> useCaseCounts.get().forEach((camera, cases) -> cases.forEach((name, counts) ->
                        counts.forEach((key, n) -> cb.call(n, camera, name, key)))))
                .register(registry);
        sinkDropped = Counter.builder().name(PREFIX + "sink_dropped_total")
                .help("Frames of a live camera a sink did not get because its queue was full (frames without event"
                        + " lines only; the other sinks got them), and frames still queued at the shutdown deadline")
                .labelNames("camera", "sink").register(registry);
        sinkMessages = Counter.builder().name(PREFIX + "sink_messages_total")
                .help("Messages of a delivering sink (mqtt, webhook_<name>) by outcome: queued (written to its"
                        + " outbox), sent (the peer took it), retried (sent again after a failed attempt), failed (an"
                        + " attempt failed), dead_lettered (given up), evicted (dropped: the outbox was full)")
                .labelNames("sink", "outcome").register(registry);
        sinkOutboxBytes = Gauge.builder().name(PREFIX + "sink_outbox_bytes")
                .help("Bytes waiting in a delivering sink's outbox").labelNames("sink").register(registry);
        forwards = Counter.builder().name(PREFIX + "forward_total")
                .help("Positive frames the forwarder handled, by result: acked (cloud answered), spooled (cloud"
                        + " unreachable, kept on disk), error (rejected or not spoolable), evicted (spooled frame"
                        + " deleted to bound the spool), dead_lettered (given up and moved to the dead-letter"
                        + " folder)")
                .labelNames("camera", "result").register(registry);
        GaugeWithCallback.builder().name(PREFIX + "spool_bytes").unit(Unit.BYTES)
                .help("Bytes of frames waiting in the on-disk spool for the cloud; absent without a forwarder")
                .callback(cb -> {
                    if (forwarderReporting) {
                        cb.call(spoolBytes);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name(PREFIX + "cloud_up")
                .help("1 while the cloud model server answers, else 0; absent without a forwarder")
                .callback(cb -> {
                    if (forwarderReporting) {
                        cb.call(cloudUp ? 1 : 0);
                    }
                }).register(registry);
        engineInfo = Info.builder().name(PREFIX + "engine_info")
                .help("The inference engine running the detector model (value always 1)")
                .labelNames("engine", "device", "precision", "model").register(registry);
        Info buildInfo = Info.builder().name(PREFIX + "build_info")
                .help("The edge-cascade build (value always 1)")
                .labelNames("version").register(registry);
        buildInfo.setLabelValues(version);
        for (String id : cameraIds) {
            camera(id);
        }
        if (jvm) {
            JvmMetrics.builder().register(registry);
        }
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Records the engine that runs the model: sets {@code engine_info} and makes the model check pass. */
    public void engine(EngineInfo info) {
        engineInfo.setLabelValues(info.name(), info.device(), info.precision(), info.model());
        engine = info;
    }

    /** Where {@code queue_depth} reads from at each scrape (camera -> queue -> frames waiting). */
    public void queueDepths(Supplier<Map<String, Map<String, Integer>>> depths) {
        this.queueDepths = depths;
    }

    /** Where {@code use_case_count} reads from at each scrape (camera -> use case -> key -> count). */
    public void useCaseCounts(Supplier<Map<String, Map<String, Map<String, Long>>>> counts) {
        this.useCaseCounts = counts;
    }

    @Override
    public void modelRun(String camera, String model) {
        modelRuns.labelValues(camera, model).inc();
    }

    @Override
    public void detectorBatch(int images, int batch) {
        detectorBatch.labelValues(Integer.toString(batch)).observe(images);
    }

    /** Where {@code sink_pixels_bytes} reads from at each scrape. */
    public void sinkPixelBytes(java.util.function.LongSupplier bytes) {
        this.sinkPixelBytes = bytes;
    }

    private CameraState camera(String id) {
        CameraState c = cameras.get(id);
        if (c != null) {
            return c;
        }
        synchronized (cameraOrder) {
            return cameras.computeIfAbsent(id, k -> {
                cameraOrder.add(k);
                return new CameraState(k);
            });
        }
    }

    private List<String> cameraIds() {
        synchronized (cameraOrder) {
            return List.copyOf(cameraOrder);
        }
    }

    @Override
    public void stage(String camera, Stage stage, long nanos) {
        camera(camera).stages.get(stage).observe(nanos / 1e9);
    }

    @Override
    public void frame(String camera, Outcome outcome) {
        CameraState c = camera(camera);
        c.outcomes.get(outcome).inc();
        if (outcome == Outcome.DECODED) {
            long now = clock.getAsLong();
            c.lastFrameNanos = now;
            c.fps.record(now);
        } else if (outcome == Outcome.DETECTED) {
            c.looks.record(clock.getAsLong());
        }
    }

    @Override
    public void lookSkipped(String camera, LookSkip why) {
        camera(camera).skipped.get(why).inc();
    }

    @Override
    public void cameraState(String camera, boolean up) {
        CameraState c = camera(camera);
        if (up) {
            c.started = true;
            c.stopped = false;
            c.lastFrameNanos = clock.getAsLong(); // the staleness clock starts when the source opens
        } else {
            c.stopped = true; // ended, failed, or never opened
        }
        c.up = up;
        cameraUp.labelValues(camera).set(up ? 1 : 0);
    }

    @Override
    public void cameraHealth(String camera, io.edgecascade.cascade.api.CameraState state, String lastError) {
        CameraState c = camera(camera);
        c.health = state;
        if (lastError != null) {
            c.lastError = lastError;
        }
        for (var s : io.edgecascade.cascade.api.CameraState.values()) {
            cameraState.labelValues(camera, s.label()).set(s == state ? 1 : 0);
        }
    }

    @Override
    public void reconnected(String camera) {
        camera(camera);
        reconnects.labelValues(camera).inc();
    }

    @Override
    public void stalled(String camera) {
        camera(camera);
        stalls.labelValues(camera).inc();
    }

    @Override
    public void error(String camera, String stage) {
        camera(camera);
        errors.labelValues(camera, stage).inc();
    }

    @Override
    public void restarted(String stage) {
        restarts.labelValues(stage).inc();
    }

    @Override
    public void sinkDropped(String camera, String sink) {
        camera(camera);
        sinkDropped.labelValues(camera, sink).inc();
    }

    @Override
    public void sinkMessage(String sink, String outcome) {
        sinkMessages.labelValues(sink, outcome).inc();
    }

    @Override
    public void sinkOutboxBytes(String sink, long bytes) {
        sinkOutboxBytes.labelValues(sink).set(bytes);
    }

    @Override
    public void forwarded(String camera, ForwardResult result) {
        startForwarding();
        forwards.labelValues(camera, result.label()).inc();
    }

    @Override
    public void spoolBytes(long bytes) {
        spoolBytes = bytes;
        startForwarding();
    }

    @Override
    public void cloudUp(boolean up) {
        cloudUp = up;
        startForwarding();
    }

    @Override
    public void spoolAccepting(boolean accepting) {
        spoolAccepting = accepting;
        startForwarding();
    }

    /** On the forwarder's first report: its series appear, at 0 for every camera and result. */
    private void startForwarding() {
        if (forwarderReporting) {
            return;
        }
        for (String id : cameraIds()) {
            for (ForwardResult r : ForwardResult.values()) {
                forwards.initLabelValues(id, r.label());
            }
        }
        forwarderReporting = true;
    }

    /** Passes once {@link #engine} was called: the model is loaded and checked. */
    public ReadinessCheck modelCheck() {
        return () -> {
            EngineInfo e = engine;
            return e == null ? ReadinessCheck.Result.failing("loading")
                    : ReadinessCheck.Result.ok(e.model() + " on " + e.name());
        };
    }

    /** Passes while every camera's source is open and decoded a frame within the staleness limit. */
    public ReadinessCheck camerasCheck() {
        return () -> {
            long now = clock.getAsLong();
            List<String> problems = new ArrayList<>();
            List<String> ids = cameraIds();
            for (String id : ids) {
                CameraState c = cameras.get(id);
                var health = c.health;
                if (health != null && health != io.edgecascade.cascade.api.CameraState.STREAMING) {
                    problems.add(id + ": " + health.label() + (c.lastError == null ? "" : " (" + c.lastError + ")"));
                } else if (c.stopped) {
                    problems.add(id + ": source stopped");
                } else if (!c.started) {
                    problems.add(id + ": not started");
                } else if (now - c.lastFrameNanos > staleAfterNanos) {
                    problems.add(String.format(Locale.ROOT, "%s: no frame for %.0f s", id,
                            (now - c.lastFrameNanos) / 1e9));
                }
            }
            if (ids.isEmpty()) {
                return ReadinessCheck.Result.failing("no cameras");
            }
            return problems.isEmpty()
                    ? ReadinessCheck.Result.ok(ids.size() + (ids.size() == 1 ? " camera" : " cameras") + " delivering")
                    : ReadinessCheck.Result.failing(String.join("; ", problems));
        };
    }

    /**
     * Passes while the cloud answers or, when it does not, while the spool still accepts frames; also passes
     * while no forwarder reports (a run without cloud forwarding).
     */
    public ReadinessCheck cloudCheck() {
        return () -> {
            if (!forwarderReporting) {
                return ReadinessCheck.Result.ok("no forwarder");
            }
            if (cloudUp) {
                return ReadinessCheck.Result.ok("reachable");
            }
            return spoolAccepting ? ReadinessCheck.Result.ok("unreachable, spooling")
                    : ReadinessCheck.Result.failing("unreachable and the spool is full");
        };
    }

    /** The standard checks in {@code /readyz} order: model, cameras, cloud. */
    public Map<String, ReadinessCheck> readinessChecks() {
        Map<String, ReadinessCheck> m = new LinkedHashMap<>();
        m.put("model", modelCheck());
        m.put("cameras", camerasCheck());
        m.put("cloud", cloudCheck());
        return m;
    }
}
