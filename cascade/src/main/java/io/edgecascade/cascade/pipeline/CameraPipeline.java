package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.CameraState;
import io.edgecascade.cascade.api.LookSkip;
import io.edgecascade.cascade.api.Outcome;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.Stage;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.motion.GateHold;
import io.edgecascade.cascade.motion.MotionGate;
import io.edgecascade.cascade.motion.MotionMask;
import io.edgecascade.cascade.source.FrameSource;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.source.SourceHealth;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front of one camera's cascade, run by the camera's capture thread ({@code capture-<camera>}): decode a frame,
 * ask the motion gate, and hand the frames that pass (as a private copy, with a ticket of the camera's order) to the
 * detector queue.
 *
 * <p>Decode and gate share a thread on purpose: the gate reads the decoder's buffer in place, so the 70-90% of
 * frames it rejects are never copied. Live sources (and files with {@code realtime: true}) never wait for the
 * detector: when its queue is full the frame is dropped and counted. Files read at full speed wait instead,
 * so an offline run loses nothing.
 *
 * <p>Failures: a RuntimeException on one frame (OpenCV, the packet listener, a decoder bug) drops that frame (counted
 * in {@code errors_total{stage="capture"}}, logged rate-limited); {@code pipeline.error_budget} in a row restart the
 * source ({@link FrameSource#restart}: a live camera reconnects; a file cannot, and its camera ends with the error). A
 * source that cannot go on ({@link SourceException}) ends its camera alone, with one error line. An {@link Error}
 * escapes to the supervisor and stops the run. A mask polygon that does not fit the frames is a config error for a
 * file's first frames (the camera stops with one error line, as {@code config validate} reports) and otherwise (a
 * live camera, a resolution that changed) is left out with one warning.
 */
final class CameraPipeline implements Supervisor.StageBody {

    private static final Logger LOG = LoggerFactory.getLogger(CameraPipeline.class);
    /** The longest a file's gate waits for its tracker (a detector stuck this long is the watchdog's business). */
    static final long TRACKS_WAIT_MS = 10_000;

    private final CameraSettings camera;
    /** The settings the gate and detector use now: {@link #retune} replaces them, the capture loop picks them up. */
    private volatile CameraSettings current;
    private volatile CaptureTap tap = CaptureTap.NONE;
    private final SourceFactory sources;
    private final StageQueue<GatedFrame> detectorQueue;
    private final CameraOrder order;
    private final DetectCadence cadence;
    private final PipelineObserver observer;
    private final CascadeStats stats;
    private final Runnable onEnd;
    private final GateHold hold;
    private final ErrorBudget budget;
    private final RateLimitedLog log = new RateLimitedLog(LOG);
    private volatile boolean stopRequested;
    private volatile FrameSource source;
    private volatile boolean live;
    /** The camera's gate while the capture loop runs (capture thread only): told about the looks dropped. */
    private MotionGate gate;
    /** When the source last delivered a frame (System.nanoTime), or when it was opened. */
    private volatile long lastFrameNanos = System.nanoTime();

    CameraPipeline(CameraSettings camera, SourceFactory sources, StageQueue<GatedFrame> detectorQueue,
            CameraOrder order, DetectCadence cadence, PipelineObserver observer, CascadeStats stats, GateHold hold,
            int errorBudget, Runnable onEnd) {
        this.hold = hold;
        this.camera = camera;
        this.current = camera;
        this.sources = sources;
        this.detectorQueue = detectorQueue;
        this.order = order;
        this.cadence = cadence;
        this.observer = observer;
        this.stats = stats;
        this.budget = new ErrorBudget(errorBudget);
        this.onEnd = onEnd;
    }

    /** New tunable values ({@code motion.threshold}, {@code min_area}, {@code detector.confidence}) from the next frame on. */
    void retune(CameraSettings settings) {
        current = settings;
    }

    /** Who sees every decoded frame (the web page's live view); set before or while running. */
    void tap(CaptureTap captureTap) {
        tap = captureTap;
    }

    /** Stops after the current frame; what is already queued is still processed. */
    void requestStop() {
        stopRequested = true;
        FrameSource s = source;
        if (s != null) {
            s.abort(); // a live camera blocked in connect, read or backoff gives up within about 0.1 s
        }
    }

    /** True once the source is open and is a live camera (it never ends by itself). */
    boolean live() {
        return live;
    }

    /** Nanoseconds since the source last delivered a frame (or since it was opened). */
    long silentNanos() {
        return System.nanoTime() - lastFrameNanos;
    }

    CameraSettings settings() {
        return current;
    }

    /** Forwards a live camera's connection health to the observers; up while it streams. */
    private SourceHealth health() {
        String id = camera.id();
        return new SourceHealth() {
            @Override
            public void state(CameraState state, String lastError) {
                observer.cameraHealth(id, state, lastError);
                observer.cameraState(id, state == CameraState.STREAMING);
            }

            @Override
            public void reconnected() {
                observer.reconnected(id);
            }

            @Override
            public void stalled() {
                observer.stalled(id);
            }
        };
    }

    @Override
    public void run() throws InterruptedException {
        String id = camera.id();
        try {
            FrameSource source = sources.create(camera, health());
            this.source = source;
            if (stopRequested) {
                source.abort();
            }
            source.open();
            lastFrameNanos = System.nanoTime();
            live = source.isLive();
            if (source.isLive()) {
                LOG.info("camera {}: reading {} (live: reconnects on failure)", id, source.describe());
            } else {
                LOG.info("camera {}: reading {} ({} fps{})", id, source.describe(),
                        String.format(java.util.Locale.ROOT, "%.2f", source.frameRate()),
                        camera.realtime() ? ", file at real time" : ", file at full speed");
                observer.cameraState(id, true);
            }
            try (MotionGate gate = MotionGate.create(camera.motion(), hold, misfit(source.isLive()))) {
                this.gate = gate;
                loop(source, gate);
            } finally {
                this.gate = null;
            }
        } catch (SourceException e) {
            stats.failed(id, e.getMessage());
            LOG.error("camera {}: {}", id, e.getMessage());
            LOG.debug("camera {} failure", id, e);
        } catch (MotionMask.OutsideFrame e) {
            stats.failed(id, e.getMessage());
            LOG.error("camera {}: {}", id, e.getMessage());
        } catch (RuntimeException e) { // opening the source: a bug or a native error, this camera alone ends
            stats.failed(id, e.toString());
            LOG.error("camera {}: capture failed: {}", id, e.toString(), e);
        }
    }

    /** The camera ended (its source ended or failed, a stop, or an Error): closes the source and tells the cascade. */
    @Override
    public void end() {
        FrameSource s = source;
        if (s != null) {
            s.close();
        }
        observer.cameraState(camera.id(), false);
        onEnd.run();
    }

    /**
     * A mask polygon outside the frames: a file's first frames make it a config error; a live camera, or a file whose
     * resolution changed, leaves it out with one warning per change of size.
     */
    private MotionMask.Misfit misfit(boolean liveSource) {
        String id = camera.id();
        return (problem, firstSize) -> {
            if (firstSize && !liveSource) {
                throw new MotionMask.OutsideFrame(problem);
            }
            LOG.warn("camera {}: {}{}; it is left out while the frames are this size", id, problem,
                    firstSize ? "" : " (the camera's resolution changed)");
        };
    }

    private void loop(FrameSource source, MotionGate gate) throws SourceException, InterruptedException {
        String id = camera.id();
        boolean mayDrop = source.isLive() || camera.realtime();
        boolean pace = !source.isLive() && camera.realtime();
        boolean gateEnabled = camera.motion().enabled();
        // A file read at full speed runs ahead of its detector: the gate waits for the tracker to see the looks already
        // sent, so it decides on what the tracker knows at the frame's time (tracking.look_again_max_s), and a file gets
        // the same decisions on every machine, as a live camera would with a fast detector.
        boolean awaitTracks = !mayDrop && gateEnabled && camera.tracking().lookAgainMaxMs() > 0;
        FrameSampler sampler = new FrameSampler(camera.sampling(), hold);
        long startNanos = System.nanoTime();
        long reportedErrors = 0;
        CameraSettings settings = camera; // what the gate was made with; a retune before the first frame still applies
        while (!stopRequested) {
            if (settings != current) {
                settings = current;
                gate.retune(settings.motion());
            }
            long t0 = System.nanoTime();
            FrameSource.Frame f;
            try {
                f = source.grab();
            } catch (RuntimeException e) { // OpenCV or the packet listener threw on this frame
                frameFailed(source, e);
                continue;
            }
            long t1 = System.nanoTime();
            for (long e = source.decodeErrors(); reportedErrors < e; reportedErrors++) {
                observer.frame(id, Outcome.DECODE_ERROR);
                observer.error(id, "decode");
            }
            if (f == null) {
                return;
            }
            lastFrameNanos = t1;
            stats.streamAt(id, f.ptsMillis());
            observer.stage(id, Stage.DECODE, t1 - t0);
            observer.frame(id, Outcome.DECODED);
            if (pace) {
                long due = startNanos + TimeUnit.MILLISECONDS.toNanos(f.ptsMillis());
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            if (!sampler.take(f.ptsMillis())) {
                observer.frame(id, Outcome.SAMPLED_OUT);
                continue;
            }
            if (awaitTracks && !order.awaitRun(TRACKS_WAIT_MS)) {
                LOG.debug("camera {}: the tracker did not catch up within {} ms; the gate decides without it", id,
                        TRACKS_WAIT_MS);
            }
            GatedFrame gated;
            try {
                gated = gate(f, gate, settings, gateEnabled, mayDrop);
            } catch (MotionMask.OutsideFrame e) {
                throw e; // a config error: the camera stops with it
            } catch (RuntimeException e) { // OpenCV on this frame (the gate, the live view's tap, the copy)
                frameFailed(source, e);
                continue;
            }
            budget.succeeded();
            if (gated != null && !enqueue(gated, mayDrop)) {
                return; // the detectors are gone: the run is stopping
            }
        }
    }

    /** The gate's decision on one frame; the frame to detect (a private copy) when it passes, else null. */
    private GatedFrame gate(FrameSource.Frame f, MotionGate gate, CameraSettings settings, boolean gateEnabled,
            boolean mayDrop) {
        String id = camera.id();
        long t2 = System.nanoTime();
        // the decoder's luma when the source has it: 90% of frames end here, never converted to BGR
        MotionGate.Decision decision = f.luma() != null
                ? gate.decide(f.luma(), f.limitedRange(), f.ptsMillis())
                : gate.decide(f.image(), f.ptsMillis());
        if (gateEnabled) {
            observer.stage(id, Stage.MOTION, System.nanoTime() - t2);
        }
        tap.frame(settings, f.bgr(), f.ptsMillis(), decision, gate);
        if (decision.verdict() != MotionGate.Verdict.STILL) {
            observer.frame(id, Outcome.MOTION);
        }
        if (!decision.passes()) {
            observer.frame(id, Outcome.MOTION_SKIPPED);
            if (decision.verdict().known()) {
                observer.lookSkipped(id, decision.verdict() == MotionGate.Verdict.EXPLAINED
                        ? LookSkip.EXPLAINED_BY_TRACKS : LookSkip.TRACKS_NOT_DUE);
            }
            return null;
        }
        List<DetectEntry> due = cadence.due(f.ptsMillis());
        if (due.isEmpty()) {
            return null; // no entry's cadence has it run on this frame (every_n, interval_ms)
        }
        VideoFrame copy = new VideoFrame(id, f.sequence(), f.ptsMillis(), Instant.now(), f.image().clone());
        return new GatedFrame(settings, copy, gateEnabled ? decision.motion() : null, order.next(), mayDrop, false,
                due, gateEnabled ? decision.newMotion() : null);
    }

    /** Queues a gated frame for the detectors; false when they are gone (the frame was freed). */
    private boolean enqueue(GatedFrame gated, boolean mayDrop) throws InterruptedException {
        if (mayDrop) {
            // latest-frame semantics: the frame still waiting for the detector is older, and worth less
            List<GatedFrame> out = detectorQueue.offerLatest(gated);
            for (GatedFrame old : out) {
                drop(old);
            }
            return out.stream().noneMatch(o -> o == gated);
        }
        boolean queued = false;
        try {
            queued = detectorQueue.put(gated);
        } finally {
            if (!queued) {
                drop(gated);
            }
        }
        return queued;
    }

    private void drop(GatedFrame g) {
        g.frame().close();
        order.skip(g.ticket());
        if (!g.offline()) {
            observer.frame(camera.id(), Outcome.DROPPED);
            cadence.owe(g.entries()); // a newer frame takes its place: the entries due on it run there
            MotionGate gate = this.gate;
            if (gate != null) {
                gate.lookDropped(g.frame().ptsMillis());
            }
        }
    }

    /** The per-frame case; after {@code error_budget} in a row, the transient one: the source restarts. */
    private void frameFailed(FrameSource source, RuntimeException e) throws SourceException {
        String id = camera.id();
        observer.error(id, "capture");
        log.warn("capture/" + id, String.format("camera %s: a frame failed (%s); it is skipped (%d in a row)", id,
                StageFailure.describe(e), budget.inARow() + 1), e);
        if (budget.failed()) {
            String reason = budget.budget() + " frames in a row failed (last: " + StageFailure.describe(e) + ")";
            LOG.warn("camera {}: {}; {}", id, reason, source.isLive() ? "reconnecting" : "reopening the source");
            observer.restarted("capture");
            budget.restarted(); // a camera is retried for as long as the run lasts: restarts never become fatal
            source.restart(reason);
        }
    }
}
