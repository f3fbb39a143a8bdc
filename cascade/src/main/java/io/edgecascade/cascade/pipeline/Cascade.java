package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.tracking.ObjectEvents;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole cascade: one capture thread per camera (decode + motion gate), detector workers shared by all
 * cameras, and one output thread feeding the sinks, connected by bounded {@link StageQueue}s:
 *
 * <pre>
 *   camera A: supervised source -> sampling -> gate -> [slot A] --\
 *   camera B: supervised source -> sampling -> gate -> [slot B] ---+-- round-robin --> detector worker(s)
 *                                                                          --> [output queue] --> sinks
 * </pre>
 *
 * <p>Each camera has its own slot in the detector queue: a live camera keeps only its newest gated frame there
 * (the older one is dropped and counted), a file read at full speed waits for room; workers take the cameras in
 * turn.
 *
 * <p>Lifecycle: {@link #start()}, then {@link #awaitCompletion()} (returns when every camera has ended and
 * everything queued was processed) or {@link #requestStop()} for live sources; {@link #close()} frees the
 * detectors and sinks. The cascade owns every thread it starts and every object passed to it.
 */
public final class Cascade implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Cascade.class);

    private final List<CameraSettings> cameras;
    private final SourceFactory sources;
    private final List<ObjectDetector> detectors;
    private final List<FrameSink> sinks;
    private final CascadeOptions options;
    private final CascadeStats stats;
    private final PipelineObserver observer;
    private final StageQueue<GatedFrame> detectorQueue;
    private final StageQueue<PositiveFrame> outputQueue;
    private final Map<String, ObjectEvents> tracking = new LinkedHashMap<>();
    /** Read by {@link #requestStop()} on a signal thread while {@link #start()} may still be filling it. */
    private final List<CameraPipeline> pipelines = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean stopRequested;
    private final List<Thread> threads = new ArrayList<>();
    /** Each camera's settings now, tunable values included ({@link #retune}). */
    private final Map<String, CameraSettings> current = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, CameraPipeline> pipelineById = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile CaptureTap tap = CaptureTap.NONE;
    private final AtomicReference<EngineException> failure = new AtomicReference<>();
    private ScheduledExecutorService progress;
    private OutputStage output;
    private long startNanos;
    private long endNanos;
    private boolean started;
    private boolean closed;

    /**
     * @param detectors one per detector worker; each must be used by one thread only
     * @param observers extra observers (metrics) besides the built-in statistics
     */
    public Cascade(List<CameraSettings> cameras, SourceFactory sources, List<ObjectDetector> detectors,
            List<FrameSink> sinks, CascadeOptions options, List<PipelineObserver> observers) {
        if (cameras.isEmpty()) {
            throw new IllegalArgumentException("no cameras");
        }
        if (detectors.isEmpty()) {
            throw new IllegalArgumentException("no detector");
        }
        this.cameras = List.copyOf(cameras);
        this.sources = sources;
        this.detectors = List.copyOf(detectors);
        this.sinks = List.copyOf(sinks);
        this.options = options;
        this.stats = new CascadeStats(this.cameras.stream().map(CameraSettings::id).toList());
        List<PipelineObserver> all = new ArrayList<>();
        all.add(stats);
        all.addAll(observers);
        this.observer = PipelineObserver.of(all);
        // One slot per camera, served round-robin: a camera that moves all day cannot starve a quiet one. The
        // configured size is shared out, at least one frame per camera.
        this.detectorQueue = StageQueue.perKey("detector",
                Math.max(1, options.detectorQueue() / this.cameras.size()), g -> g.camera().id());
        this.outputQueue = new StageQueue<>("output", options.outputQueue(), p -> p.frame().camera());
        for (CameraSettings c : this.cameras) {
            current.put(c.id(), c);
            tracking.put(c.id(), new ObjectEvents(c.id(), c.tracking(), c.zones()));
        }
    }

    /** Starts every thread. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        startNanos = System.nanoTime();

        output = new OutputStage(outputQueue, sinks);
        threads.add(newThread("output", output));

        AtomicInteger workersLeft = new AtomicInteger(detectors.size());
        for (int i = 0; i < detectors.size(); i++) {
            DetectorStage stage = new DetectorStage(detectors.get(i), detectorQueue, outputQueue, observer,
                    this::detectorFailed, () -> {
                        if (workersLeft.decrementAndGet() == 0) {
                            endOpenEvents();
                            outputQueue.end();
                        }
                    }, tracking);
            threads.add(newThread("detector-" + i, stage));
        }

        AtomicInteger camerasLeft = new AtomicInteger(cameras.size());
        for (CameraSettings c : cameras) {
            CameraPipeline p = new CameraPipeline(current.get(c.id()), sources, detectorQueue, observer, stats, () -> {
                if (camerasLeft.decrementAndGet() == 0) {
                    detectorQueue.end();
                }
            }, tracking.get(c.id()));
            p.tap(tap);
            pipelines.add(p);
            pipelineById.put(c.id(), p);
            if (stopRequested) {
                p.requestStop(); // a stop asked for while the pipelines were being made applies to them too
            }
            threads.add(newThread("capture-" + c.id(), p));
        }
        if (!options.progressInterval().isZero()) {
            progress = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "progress-log"));
            long ms = options.progressInterval().toMillis();
            progress.scheduleAtFixedRate(new ProgressLog(stats), ms, ms, TimeUnit.MILLISECONDS);
        }
        threads.forEach(Thread::start);
    }

    private static Thread newThread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(false);
        return t;
    }

    /**
     * Every frame has been detected: ends each camera's open events, on a pixel-less frame per camera that
     * carries the end lines to the sinks (the event log writes them, the forwarder sends the events' best frames).
     */
    private void endOpenEvents() {
        for (ObjectEvents events : tracking.values()) {
            FrameTracks ends = events.finish();
            if (ends.isQuiet()) {
                continue;
            }
            var last = ends.events().isEmpty() ? null : ends.events().get(0);
            VideoFrame marker = new VideoFrame(events.camera(), last == null ? -1 : last.frame(),
                    last == null ? 0 : last.ptsMs(), last == null ? java.time.Instant.now() : last.time(),
                    new org.bytedeco.opencv.opencv_core.Mat());
            try {
                if (!outputQueue.put(new PositiveFrame(marker, null, List.of(), ends))) {
                    marker.close();
                }
            } catch (InterruptedException e) {
                marker.close();
                Thread.currentThread().interrupt();
                LOG.error("camera {}: interrupted before its open events were ended", events.camera());
                return;
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

    /** Events started per camera so far. */
    public Map<String, Long> eventsStarted() {
        Map<String, Long> m = new LinkedHashMap<>();
        tracking.forEach((id, t) -> m.put(id, t.started()));
        return m;
    }

    private void detectorFailed(EngineException e) {
        if (failure.compareAndSet(null, e)) {
            LOG.error("detector failed, stopping every camera: {}", e.getMessage());
            requestStop();
        }
    }

    /** Asks every camera to stop after its current frame; queued frames are still processed. */
    public void requestStop() {
        stopRequested = true;
        for (CameraPipeline p : pipelines) {
            p.requestStop();
        }
    }

    /** Waits until every camera has ended and every queued frame has gone through the sinks. */
    public void awaitCompletion() throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
        synchronized (this) {
            if (endNanos == 0) {
                endNanos = System.nanoTime();
            }
        }
    }

    /** Like {@link #awaitCompletion()} but gives up after {@code millis}; true when everything ended. */
    public boolean awaitCompletion(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (Thread t : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            t.join(left);
            if (t.isAlive()) {
                return false;
            }
        }
        awaitCompletion();
        return true;
    }

    /** The detector failure that stopped the run, or null. */
    public EngineException failure() {
        return failure.get();
    }

    public CascadeStats stats() {
        return stats;
    }

    /**
     * Items of each camera waiting in each queue now: camera id -> queue name -> count, every camera and queue
     * present (for the per-camera queue-depth metric).
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
        return detectors.get(0).engine();
    }

    /** The run's summary; call after {@link #awaitCompletion()}. */
    public synchronized RunSummary summary() {
        long end = endNanos == 0 ? System.nanoTime() : endNanos;
        Map<String, String> errors = new LinkedHashMap<>();
        for (String id : stats.cameraIds()) {
            if (stats.error(id) != null) {
                errors.put(id, stats.error(id));
            }
        }
        ObjectDetector d = detectors.get(0);
        return new RunSummary((end - startNanos) / 1e9, d.engine().model(), d.engine().name(), stats.snapshot(),
                errors).withEvents(eventsStarted());
    }

    /** Cameras that ended with an error. */
    public List<String> failedCameras() {
        return stats.cameraIds().stream().filter(id -> stats.error(id) != null).toList();
    }

    /** Stops (if running), waits for the threads, closes detectors and sinks. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        requestStop();
        try {
            if (started) {
                awaitCompletion();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (progress != null) {
            progress.shutdownNow();
        }
        // Each close runs whatever the others do: a detector that fails to free its engine must not keep the
        // forwarder from draining or the spool lock from being released.
        for (ObjectDetector d : detectors) {
            closeQuietly(d);
        }
        for (FrameSink s : sinks) {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.error("closing {} was interrupted", c);
        } catch (Exception | LinkageError e) {
            LOG.error("closing {} failed: {}", c, e.toString());
        }
    }
}
