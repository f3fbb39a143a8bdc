package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.motion.GateHold;
import io.edgecascade.cascade.motion.MotionGate;
import io.edgecascade.cascade.motion.MotionMask;
import io.edgecascade.cascade.source.FrameSource;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.source.VideoFrame;
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
    }

    @Override
    public void run() {
        String id = camera.id();
        FrameSource source = null;
        try (MotionGate gate = MotionGate.create(camera.motion(), hold)) {
            source = sources.create(camera.source());
            source.open();
            LOG.info("camera {}: reading {} ({} fps{})", id, source.describe(),
                    String.format(java.util.Locale.ROOT, "%.2f", source.frameRate()),
                    source.isLive() ? ", live" : camera.realtime() ? ", file at real time" : ", file at full speed");
            observer.cameraState(id, true);
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

            long t2 = System.nanoTime();
            MotionGate.Decision decision = gate.decide(f.image(), f.ptsMillis());
            if (gateEnabled) {
                observer.stage(id, Stage.MOTION, System.nanoTime() - t2);
            }
            tap.frame(settings, f.image(), f.ptsMillis(), decision, gate);
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
                if (!detectorQueue.offer(gated)) {
                    copy.close();
                    observer.frame(id, Outcome.DROPPED);
                }
            } else {
                detectorQueue.put(gated);
            }
        }
    }
}
