package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.api.DeliveringSink;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.Outcome;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.tracking.CameraTracks;
import io.edgecascade.engines.EngineInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole cascade: one capture thread per camera (decode + motion gate), detector workers shared by all cameras,
 * an output thread and one thread per sink, connected by bounded {@link StageQueue}s and run by one
 * {@link Supervisor}:
 *
 * <pre>
 *   camera A: source -> sampling -> gate -> [slot A] --\                       /-> [queue] sink-event_log
 *   camera B: source -> sampling -> gate -> [slot B] ---+-> detector-0..n --> order --> tracking --> [output] --+
 *                                                                                                            \-> [queue] sink-...
 * </pre>
 *
 * <p>Each camera has its own slot in the detector queue: a live camera keeps only its newest gated frame there (the
 * older one is dropped and counted), a file read at full speed waits for room; workers take the cameras in turn and
 * finish frames in any order, and each camera's {@link CameraOrder} puts them back in capture order before tracking.
 *
 * <p>Failures follow one model, the same in every stage (see docs/ARCHITECTURE.md): a failure on one frame drops the
 * frame and is counted; {@code error_budget} in a row restart the stage's resource (engine session, camera, sink); a
 * resource that cannot be reopened, an {@link Error}, or a stage stuck in one call is fatal: the run stops and drains,
 * and {@link #failure()} says what failed and the fix.
 *
 * <p>Lifecycle: {@link #start()}, then {@link #awaitCompletion()} (returns when every camera has ended and everything
 * queued went through the sinks) or {@link #requestStop()} for live cameras; {@link #close()}. A stop (a signal, a
 * fatal failure, or the last camera ending by itself) runs under one deadline, {@code pipeline.shutdown_timeout_s}:
 * sources stop, the queues drain, the sinks close in parallel; what is still running when it passes (plus
 * {@link #GRACE}) is left behind with one error line, so nothing waits forever. The cascade owns every thread it
 * starts and every detector and sink passed to it.
 */
public final class Cascade implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Cascade.class);
    /** After the stop's deadline: time for the stages to notice and end before they are left behind. */
    static final Duration GRACE = Duration.ofSeconds(1);
    /** A live camera must be silent at least this long before its open events end as {@code camera_offline}. */
    static final long MIN_OFFLINE_MILLIS = 1000;

    private final List<CameraSettings> cameras;
    private final SourceFactory sources;
    private final Detectors detectors;
    private final List<FrameSink> sinks;
    private final CascadeOptions options;
    private final CascadeStats stats;
    private final PipelineObserver observer;
    private final EngineInfo engine;
    private final StageQueue<GatedFrame> detectorQueue;
    private final StageQueue<SharedFrame> outputQueue;
    private final Map<String, CameraTracks> tracking = new LinkedHashMap<>();
    private final Map<String, CameraUseCases> useCases = new LinkedHashMap<>();
    private final Map<String, DetectCadence> cadences = new LinkedHashMap<>();
    private final Map<String, CameraOrder> orders = new LinkedHashMap<>();
    private final TrackingStep step;
    /** Bytes of pixels frames hold between the tracking step and the last sink done with them. */
    private final PixelBudget pixels;
    private final StopSignal stop;
    private final Supervisor supervisor;
    /** Read by {@link #requestStop()} on a signal thread while {@link #start()} may still be filling it. */
    private final List<CameraPipeline> pipelines = new CopyOnWriteArrayList<>();
    private final List<SinkRunner> sinkRunners = new ArrayList<>();
    /** Each camera's settings now, tunable values included ({@link #retune}). */
    private final Map<String, CameraSettings> current = new ConcurrentHashMap<>();
    private final Map<String, CameraPipeline> pipelineById = new ConcurrentHashMap<>();
    private volatile CaptureTap tap = CaptureTap.NONE;
    private volatile boolean stopRequested;
    private volatile List<String> leftBehind = List.of();
    private long startNanos;
    private long endNanos;
    private boolean started;
    private boolean closed;

    /**
     * A cascade whose detectors cannot be reopened: a worker whose session fails {@code error_budget} times in a row
     * stops the run.
     *
     * @param detectors one per detector worker; each is used by one thread only
     * @param observers extra observers (metrics) besides the built-in statistics
     */
    public Cascade(List<CameraSettings> cameras, SourceFactory sources, List<ObjectDetector> detectors,
            List<FrameSink> sinks, CascadeOptions options, List<PipelineObserver> observers) {
        this(cameras, sources, detectors, DetectorFactory.NONE, sinks, options, observers);
    }

    /**
     * @param detectors the first engine session of each detector worker (opened before the run, where a model or
     *                  engine problem is a start-up error); each is used by one thread only
     * @param reopen    opens a new session for a worker that restarts its own after {@code error_budget} failures in
     *                  a row
     * @param observers extra observers (metrics) besides the built-in statistics
     */
    public Cascade(List<CameraSettings> cameras, SourceFactory sources, List<ObjectDetector> detectors,
            DetectorFactory reopen, List<FrameSink> sinks, CascadeOptions options, List<PipelineObserver> observers) {
        this(cameras, sources, single(cameras, detectors, reopen), UseCaseMaker.NONE, sinks, options, observers);
    }

    /** One model's sessions, run by every entry of the cameras whatever model it names (one model is all there is). */
    private static Detectors single(List<CameraSettings> cameras, List<ObjectDetector> detectors,
            DetectorFactory reopen) {
        if (detectors.isEmpty()) {
            throw new IllegalArgumentException("no detector");
        }
        java.util.Set<String> models = new java.util.LinkedHashSet<>();
        cameras.forEach(c -> c.analytics().detect().forEach(e -> models.add(e.model())));
        return Detectors.single(detectors, reopen, models);
    }

    /**
     * A cascade of several models per camera ({@code detect:} entries) and use cases.
     *
     * @param detectors every worker's first engine session of each model, and how a worker reopens one
     * @param maker     makes each camera's use cases ({@code use_cases:}) at the start, and again after failures
     * @param observers extra observers (metrics) besides the built-in statistics
     */
    public Cascade(List<CameraSettings> cameras, SourceFactory sources, Detectors detectors, UseCaseMaker maker,
            List<FrameSink> sinks, CascadeOptions options, List<PipelineObserver> observers) {
        if (cameras.isEmpty()) {
            throw new IllegalArgumentException("no cameras");
        }
        this.cameras = List.copyOf(cameras);
        for (CameraSettings c : this.cameras) {
            for (DetectEntry e : c.analytics().detect()) {
                if (detectors.key(e.model()) == null) {
                    throw new IllegalArgumentException("camera " + c.id() + ": detect entry " + e.name()
                            + " runs model '" + e.model() + "', which no detector worker has");
                }
            }
        }
        this.sources = sources;
        this.detectors = detectors;
        this.sinks = List.copyOf(sinks);
        this.options = options;
        this.engine = detectors.first().engine();
        Map<String, List<String>> entries = new LinkedHashMap<>();
        this.cameras.forEach(c -> entries.put(c.id(), c.analytics().detect().stream().map(DetectEntry::name)
                .toList()));
        this.stats = new CascadeStats(entries);
        List<PipelineObserver> all = new ArrayList<>();
        all.add(stats);
        all.addAll(observers);
        this.observer = PipelineObserver.of(all);
        // One slot per camera, served round-robin: a camera that moves all day cannot starve a quiet one. The
        // configured size is shared out, at least one frame per camera.
        // Also bounded in bytes: eight waiting frames are 8 MB at 432p but 128 MB at 3072x1728.
        this.detectorQueue = StageQueue.perKey("detector",
                Math.max(1, options.detectorQueue() / this.cameras.size()), g -> g.camera().id(),
                g -> g.frame().pixelBytes(), Math.max(1, options.detectorMemoryBytes() / this.cameras.size()));
        this.outputQueue = new StageQueue<>("output", options.outputQueue(), SharedFrame::camera);
        this.stop = new StopSignal(options.shutdownTimeout());
        this.supervisor = new Supervisor(options.stageTimeout(), f -> requestStop());
        for (CameraSettings c : this.cameras) {
            current.put(c.id(), c);
            CameraAnalytics a = c.analytics();
            tracking.put(c.id(), new CameraTracks(c.id(), a.primaryNames(), c.tracking(), c.zones(), a.stationary(),
                    a.requiredZones()));
            useCases.put(c.id(), new CameraUseCases(c, maker, options.errorBudget(), observer,
                    supervisor.watch("use_cases-" + c.id())));
            cadences.put(c.id(), new DetectCadence(a.detect()));
            orders.put(c.id(), new CameraOrder(c.id()));
        }
        this.pixels = new PixelBudget(options.sinkMemoryBytes());
        this.step = new TrackingStep(tracking, useCases, outputQueue, observer, this::anySinkNeedsPixels, pixels);
    }

    /** Starts every thread. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        startNanos = System.nanoTime();

        Set<String> names = new HashSet<>();
        for (FrameSink s : sinks) {
            String name = uniqueName(s.name(), names);
            SinkRunner r = new SinkRunner(s, name, options.sinkQueue(), options.errorBudget(), observer, supervisor,
                    stop::deadline);
            sinkRunners.add(r);
            supervisor.add(r.stage(), r);
            if (s instanceof DeliveringSink d) {
                supervisor.add("deliver-" + name, d::deliver); // its peer's pace never holds the sink's queue
            }
        }
        supervisor.add("output", new OutputStage(outputQueue, sinkRunners));
        useCases.values().forEach(CameraUseCases::open);

        AtomicInteger workersLeft = new AtomicInteger(detectors.workers().size());
        for (int i = 0; i < detectors.workers().size(); i++) {
            supervisor.add("detector-" + i, new DetectorStage("detector-" + i, detectors.workers().get(i), detectors,
                    detectorQueue, orders, tracking, step, observer, supervisor, stop, options.errorBudget(),
                    options.detectorBatch(), () -> {
                        if (workersLeft.decrementAndGet() == 0) {
                            workersEnded();
                        }
                    }));
        }

        AtomicInteger camerasLeft = new AtomicInteger(cameras.size());
        for (CameraSettings c : cameras) {
            CameraPipeline p = new CameraPipeline(current.get(c.id()), sources, detectorQueue, orders.get(c.id()),
                    cadences.get(c.id()), observer, stats, tracking.get(c.id()), options.errorBudget(), () -> {
                        cameraEnded(c.id());
                        if (camerasLeft.decrementAndGet() == 0) {
                            beginStop(); // the last camera ended by itself (or on the stop): the rest drains
                            detectorQueue.end();
                        }
                    });
            p.tap(tap);
            pipelines.add(p);
            pipelineById.put(c.id(), p);
            if (stopRequested) {
                p.requestStop(); // a stop asked for while the pipelines were being made applies to them too
            }
            supervisor.add("capture-" + c.id(), p);
        }
        if (!options.progressInterval().isZero()) {
            supervisor.every(options.progressInterval(), new ProgressLog(stats));
        }
        supervisor.every(Duration.ofMillis(250), this::endEventsOfOfflineCameras);
        supervisor.start();
        if (stop.stopping()) {
            scheduleDeadline();
        }
    }

    /** {@code base}, or {@code base_2}, {@code base_3}... when two sinks share a name. */
    /**
     * Whether some sink reads this frame's pixels ({@link FrameSink#needsPixels}); a sink that cannot say (it throws)
     * gets them.
     */
    private boolean anySinkNeedsPixels(io.edgecascade.cascade.api.PositiveFrame p) {
        for (FrameSink s : sinks) {
            try {
                if (s.needsPixels(p)) {
                    return true;
                }
            } catch (RuntimeException e) {
                return true;
            }
        }
        return false;
    }

    /** The most bytes of pixels frames held at once on their way to the sinks (tests). */
    long sinkPixelPeak() {
        return pixels.peak();
    }

    /** Bytes of pixels held by frames on their way to the sinks now (the {@code sink_pixels_bytes} gauge). */
    public long sinkPixelBytes() {
        return pixels.used();
    }

    private static String uniqueName(String base, Set<String> taken) {
        String safe = base == null || !base.matches("[a-z0-9_]{1,40}") ? "sink" : base;
        String name = safe;
        for (int i = 2; !taken.add(name); i++) {
            name = safe + "_" + i;
        }
        return name;
    }

    /**
     * A camera's capture ended: its open events end once its frames in flight are done ({@code stream_end}, or
     * {@code shutdown} when the run was stopped).
     */
    private void cameraEnded(String camera) {
        TrackEvent.EndReason reason = stopRequested ? TrackEvent.EndReason.SHUTDOWN
                : TrackEvent.EndReason.STREAM_END;
        CameraOrder order = orders.get(camera);
        order.complete(order.next(), () -> step.end(camera, reason));
    }

    /**
     * Every detector worker ended: what is left in the detector queue (a stop past its deadline) is freed, each camera's
     * order is flushed, events still open end, and the output queue ends.
     */
    private void workersEnded() {
        for (GatedFrame g : detectorQueue.abort()) {
            g.frame().close();
            orders.get(g.camera().id()).skip(g.ticket());
            if (!g.offline()) {
                observer.frame(g.camera().id(), Outcome.DROPPED);
            }
        }
        TrackEvent.EndReason reason = stopRequested ? TrackEvent.EndReason.SHUTDOWN : TrackEvent.EndReason.STREAM_END;
        for (Map.Entry<String, CameraOrder> e : orders.entrySet()) {
            e.getValue().flush();
            step.end(e.getKey(), reason); // nothing left to end, unless a worker died with the camera's last frames
        }
        useCases.values().forEach(CameraUseCases::close);
        outputQueue.end();
    }

    /**
     * Tracks age on the clock too: a live camera that has delivered no frame for its {@code tracking.max_age_s} (at
     * least {@value #MIN_OFFLINE_MILLIS} ms) ends its open events ({@code camera_offline}), in their place in the
     * camera's order, through the detector queue (this thread never waits on a queue).
     */
    private void endEventsOfOfflineCameras() {
        if (stop.stopping()) {
            return;
        }
        for (CameraPipeline p : pipelines) {
            CameraSettings c = p.settings();
            long limit = TimeUnit.MILLISECONDS.toNanos(Math.max(MIN_OFFLINE_MILLIS, c.tracking().maxAgeMs()));
            if (!p.live() || p.silentNanos() < limit || !tracking.get(c.id()).tracking()) {
                continue;
            }
            CameraOrder order = orders.get(c.id());
            GatedFrame marker = new GatedFrame(c, new VideoFrame(c.id(), -1, 0, Instant.now(), new Mat()), null,
                    order.next(), true, true, List.of());
            for (GatedFrame out : detectorQueue.offerLatest(marker)) {
                out.frame().close();
                order.skip(out.ticket());
                if (!out.offline()) {
                    observer.frame(c.id(), Outcome.DROPPED);
                    cadences.get(c.id()).owe(out.entries());
                }
            }
        }
    }

    /** Lets {@code captureTap} see every decoded frame of every camera (the web page's live view). */
    public void captureTap(CaptureTap captureTap) {
        tap = java.util.Objects.requireNonNull(captureTap, "captureTap");
        pipelineById.values().forEach(p -> p.tap(captureTap));
    }

    /** A camera's settings as they are now (after any {@link #retune}), or null for an unknown id. */
    public CameraSettings camera(String id) {
        return current.get(id);
    }

    /**
     * Applies a camera's tunable values at once, without a restart: the gate uses the new {@code threshold} and
     * {@code minArea} from its next frame (keeping the background it learnt), the detector the new
     * {@code confidence} from the next frame the gate passes. The values must be valid (checked by the caller
     * with the config's rules).
     *
     * @return the camera's new settings
     * @throws IllegalArgumentException for an unknown camera or a value out of range
     */
    public synchronized CameraSettings retune(String camera, int threshold, double minArea, float confidence) {
        CameraSettings c = current.get(camera);
        if (c == null) {
            throw new IllegalArgumentException("no camera '" + camera + "'");
        }
        CameraSettings tuned = c.withTunables(threshold, minArea, confidence);
        current.put(camera, tuned);
        CameraPipeline p = pipelineById.get(camera);
        if (p != null) {
            p.retune(tuned);
        }
        return tuned;
    }

    /**
     * Switches a camera's detection on or off at once: while off, the frames its gate passes are not detected and count
     * as frames without objects (its open events end as {@code lost}); motion is still measured.
     *
     * @return the camera's new settings
     * @throws IllegalArgumentException for an unknown camera
     */
    public synchronized CameraSettings detect(String camera, boolean on) {
        CameraSettings c = current.get(camera);
        if (c == null) {
            throw new IllegalArgumentException("no camera '" + camera + "'");
        }
        CameraSettings switched = c.withDetect(on);
        current.put(camera, switched);
        CameraPipeline p = pipelineById.get(camera);
        if (p != null) {
            p.retune(switched);
        }
        return switched;
    }

    /** Events started per camera so far. */
    public Map<String, Long> eventsStarted() {
        Map<String, Long> m = new LinkedHashMap<>();
        tracking.forEach((id, t) -> m.put(id, t.started()));
        return m;
    }

    /**
     * Asks every camera to stop after its current frame: the stop begins, under its one deadline. Queued frames are
     * still processed and the sinks closed, as far as the deadline allows.
     */
    public void requestStop() {
        requestStop(null);
    }

    /**
     * Like {@link #requestStop()}, under {@code deadline} rather than one that begins now: a stop asked for (a signal)
     * before this cascade existed keeps the deadline that began with it. Null: one that begins now.
     */
    public void requestStop(Deadline deadline) {
        stopRequested = true;
        beginStop(deadline);
        for (CameraPipeline p : pipelines) {
            p.requestStop();
        }
    }

    private void beginStop() {
        beginStop(null);
    }

    private void beginStop(Deadline deadline) {
        if (stop.begin(deadline)) {
            synchronized (this) {
                if (started) {
                    scheduleDeadline();
                }
            }
        }
    }

    private void scheduleDeadline() {
        supervisor.after(stop.deadline().remaining(), this::deadlinePassed);
    }

    /**
     * The stop's deadline passed: whatever still waits in a queue is freed and counted rather than finished, so every
     * stage can end and every sink's close (which got the same deadline) is reached.
     */
    private void deadlinePassed() {
        List<GatedFrame> undetected = detectorQueue.abort();
        int unsent = outputQueue.depth();
        if (!undetected.isEmpty() || unsent > 0) {
            LOG.error("the shutdown deadline ({} s) passed: {} frame(s) not detected and {} not handed to the sinks"
                    + " are dropped", options.shutdownTimeout().toSeconds(), undetected.size(), unsent);
        }
        for (GatedFrame g : undetected) {
            g.frame().close();
            orders.get(g.camera().id()).skip(g.ticket());
            if (!g.offline()) {
                observer.frame(g.camera().id(), Outcome.DROPPED);
            }
        }
        for (SharedFrame f : outputQueue.abort()) {
            f.release();
        }
        for (SinkRunner r : sinkRunners) {
            r.abandonQueued();
        }
    }

    /**
     * Waits until every camera has ended and every queued frame has gone through the sinks and they closed. Once a
     * stop has begun it waits at most until its deadline plus {@link #GRACE}; stages still running then are left
     * behind, with one error line ({@link #leftBehind()}).
     */
    public void awaitCompletion() throws InterruptedException {
        awaitUntil(null);
    }

    /** Like {@link #awaitCompletion()} but gives up after {@code millis}; true when everything ended. */
    public boolean awaitCompletion(long millis) throws InterruptedException {
        return awaitUntil(Deadline.after(Duration.ofMillis(millis)));
    }

    private boolean awaitUntil(Deadline limit) throws InterruptedException {
        synchronized (this) {
            if (!started) {
                return true;
            }
        }
        while (true) {
            Deadline stopDeadline = stop.deadline();
            Deadline wait = stopDeadline == null ? Deadline.after(Duration.ofMillis(200))
                    : Deadline.after(stopDeadline.remaining().plus(GRACE));
            if (limit != null) {
                wait = wait.atMost(limit.remaining());
            }
            if (supervisor.await(wait)) {
                break;
            }
            if (limit != null && limit.expired()) {
                return false;
            }
            if (stopDeadline != null) { // past the stop's deadline and its grace: leave the stragglers behind
                List<String> running = supervisor.stillRunning();
                boolean known = !leftBehind.isEmpty();
                leftBehind = running;
                if (known) {
                    break; // said once already
                }
                LOG.error("the stop passed its deadline (pipeline.shutdown_timeout_s {}) with {} still running; they"
                        + " are left behind", options.shutdownTimeout().toSeconds(), String.join(", ", running));
                break;
            }
        }
        synchronized (this) {
            if (endNanos == 0) {
                endNanos = System.nanoTime();
            }
        }
        return leftBehind.isEmpty();
    }

    /** Stage threads still running when the stop's deadline (and its grace) passed; empty after a clean stop. */
    public List<String> leftBehind() {
        return leftBehind;
    }

    /** The fatal failure that stopped the run (what failed and the fix), or null. */
    public StageFailure failure() {
        return supervisor.failure();
    }

    public CascadeStats stats() {
        return stats;
    }

    /**
     * Items of each camera waiting in each queue now: camera id -> queue name -> count, every camera and queue
     * present (for the per-camera queue-depth metric): {@code detector}, {@code output} and each sink's
     * ({@code sink-<name>}).
     */
    public Map<String, Map<String, Integer>> queueDepthsByCamera() {
        Map<String, Integer> detector = detectorQueue.depthByKey();
        Map<String, Integer> output = outputQueue.depthByKey();
        Map<String, Map<String, Integer>> m = new LinkedHashMap<>();
        for (CameraSettings c : cameras) {
            Map<String, Integer> q = new LinkedHashMap<>();
            q.put(detectorQueue.name(), detector.getOrDefault(c.id(), 0));
            q.put(outputQueue.name(), output.getOrDefault(c.id(), 0));
            m.put(c.id(), q);
        }
        return m;
    }

    /** The engine the (first) detector runs on, for the engine-info metric. */
    public EngineInfo engine() {
        return engine;
    }

    /** The run's summary; call after {@link #awaitCompletion()}. */
    public synchronized RunSummary summary() {
        long end = endNanos == 0 ? System.nanoTime() : endNanos;
        if (startNanos == 0) {
            end = 0; // never started (a stop asked for while the agent was starting): it ran for no time
        }
        Map<String, String> errors = new LinkedHashMap<>();
        for (String id : stats.cameraIds()) {
            if (stats.error(id) != null) {
                errors.put(id, stats.error(id));
            }
        }
        return new RunSummary((end - startNanos) / 1e9, engine.model(), engine.name(), stats.snapshot(), errors)
                .withEvents(eventsStarted()).withFatal(failure()).withModels(stats.modelRuns())
                .withUseCases(useCaseCounts());
    }

    /**
     * What each camera's use cases counted so far: camera id -> use case name -> key -> count, every camera and use
     * case listed (for the metrics and the summary). Thread-safe.
     */
    public Map<String, Map<String, Map<String, Long>>> useCaseCounts() {
        Map<String, Map<String, Map<String, Long>>> m = new LinkedHashMap<>();
        useCases.forEach((id, u) -> m.put(id, u.counts()));
        return m;
    }

    /** Cameras that ended with an error. */
    public List<String> failedCameras() {
        return stats.cameraIds().stream().filter(id -> stats.error(id) != null).toList();
    }

    /**
     * Stops (if running) and waits for the stop (at most its deadline and {@link #GRACE}). The stages close their own
     * detectors and sinks as they end; a cascade that never started closes them here.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        requestStop();
        try {
            awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        supervisor.close();
        boolean neverStarted;
        synchronized (this) {
            neverStarted = !started;
        }
        if (neverStarted) {
            for (ObjectDetector d : detectors.all()) {
                closeQuietly(d, null);
            }
            for (FrameSink s : sinks) {
                closeQuietly(s, stop.deadline());
            }
        }
    }

    private static void closeQuietly(AutoCloseable c, Deadline deadline) {
        try {
            if (c instanceof FrameSink s && deadline != null) {
                s.close(deadline);
            } else {
                c.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.error("closing {} was interrupted", c);
        } catch (Exception | LinkageError e) {
            LOG.error("closing {} failed: {}", c, e.toString());
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "cascade of %d camera(s), %d detector worker(s), %d sink(s)",
                cameras.size(), detectors.workers().size(), sinks.size());
    }
}
