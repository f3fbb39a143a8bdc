package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.CameraState;
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
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front of one camera's cascade, run by the camera's capture thread: decode a frame, ask the motion gate,
 * and hand the frames that pass (as a private copy) to the detector queue.
 *
 * <p>Decode and gate share a thread on purpose: the gate reads the decoder's buffer in place, so the 70-90% of
 * frames it rejects are never copied. Live sources (and files with {@code realtime: true}) never wait for the
 * detector: when its queue is full the frame is dropped and counted. Files read at full speed wait instead,
 * so an offline run loses nothing.
 */
final class CameraPipeline implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(CameraPipeline.class);

    private final CameraSettings camera;
    /** The settings the gate and detector use now: {@link #retune} replaces them, the capture loop picks them up. */
    private volatile CameraSettings current;
    private volatile CaptureTap tap = CaptureTap.NONE;
    private final SourceFactory sources;
    private final StageQueue<GatedFrame> detectorQueue;
    private final PipelineObserver observer;
    private final CascadeStats stats;
    private final Runnable onEnd;
    private final GateHold hold;
    private volatile boolean stopRequested;
    private volatile FrameSource source;

    CameraPipeline(CameraSettings camera, SourceFactory sources, StageQueue<GatedFrame> detectorQueue,
            PipelineObserver observer, CascadeStats stats, Runnable onEnd,
            GateHold hold) {
        this.hold = hold;
        this.camera = camera;
        this.current = camera;
        this.sources = sources;
        this.detectorQueue = detectorQueue;
        this.observer = observer;
        this.stats = stats;
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
    public void run() {
        String id = camera.id();
        FrameSource source = null;
        try (MotionGate gate = MotionGate.create(camera.motion(), hold)) {
            source = sources.create(camera, health());
            this.source = source;
            if (stopRequested) {
                source.abort();
            }
            source.open();
            if (source.isLive()) {
                LOG.info("camera {}: reading {} (live: reconnects on failure)", id, source.describe());
            } else {
                LOG.info("camera {}: reading {} ({} fps{})", id, source.describe(),
                        String.format(java.util.Locale.ROOT, "%.2f", source.frameRate()),
                        camera.realtime() ? ", file at real time" : ", file at full speed");
                observer.cameraState(id, true);
            }
            loop(source, gate);
        } catch (SourceException e) {
            stats.failed(id, e.getMessage());
            LOG.error("camera {}: {}", id, e.getMessage());
            LOG.debug("camera {} failure", id, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (MotionMask.OutsideFrame e) {
            stats.failed(id, e.getMessage());
            LOG.error("camera {}: {}", id, e.getMessage());
        } catch (RuntimeException e) {
            stats.failed(id, e.toString());
            LOG.error("camera {}: capture failed: {}", id, e.toString(), e);
        } finally {
            if (source != null) {
                source.close();
            }
            observer.cameraState(id, false);
            onEnd.run();
        }
    }

    private void loop(FrameSource source, MotionGate gate) throws SourceException, InterruptedException {
        String id = camera.id();
        boolean mayDrop = source.isLive() || camera.realtime();
        boolean pace = !source.isLive() && camera.realtime();
        boolean gateEnabled = camera.motion().enabled();
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
            FrameSource.Frame f = source.grab();
            long t1 = System.nanoTime();
            for (long e = source.decodeErrors(); reportedErrors < e; reportedErrors++) {
                observer.frame(id, Outcome.DECODE_ERROR);
            }
            if (f == null) {
                return;
            }
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
                continue;
            }
            VideoFrame copy = new VideoFrame(id, f.sequence(), f.ptsMillis(), Instant.now(), f.image().clone());
            GatedFrame gated = new GatedFrame(settings, copy, gateEnabled ? decision.motion() : null);
            if (mayDrop) {
                // latest-frame semantics: the frame still waiting for the detector is older, and worth less
                for (GatedFrame old : detectorQueue.offerLatest(gated)) {
                    old.frame().close();
                    observer.frame(id, Outcome.DROPPED);
                }
                if (detectorQueue.ended()) {
                    return;
                }
            } else if (!detectorQueue.put(gated)) {
                copy.close(); // the detectors are gone (the run is stopping): nothing will take it
                observer.frame(id, Outcome.DROPPED);
                return;
            }
        }
    }
}
