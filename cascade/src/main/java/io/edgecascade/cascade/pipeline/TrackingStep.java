package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.Outcome;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.tracking.ObjectEvents;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a detected frame once its camera's earlier frames are done ({@link CameraOrder}): its camera's
 * tracker sees it, and it goes on to the output stage when it holds detections or event lines; a frame with neither
 * ends here. Also ends a camera's open events on a pixel-less frame (its stream ended, it went offline, the run
 * stopped). Runs on whichever detector worker (or capture thread) drains the camera's order, one frame at a time.
 */
final class TrackingStep {

    private static final Logger LOG = LoggerFactory.getLogger(TrackingStep.class);

    private final Map<String, ObjectEvents> tracking;
    private final StageQueue<SharedFrame> out;
    private final PipelineObserver observer;
    private final Predicate<PositiveFrame> pixelsNeeded;
    private final PixelBudget pixels;
    private final RateLimitedLog log = new RateLimitedLog(LOG);

    /**
     * @param pixelsNeeded whether some sink reads this frame's pixels; the others' pixels are freed here
     * @param pixels       the bytes of pixels frames may hold on their way to the sinks
     */
    TrackingStep(Map<String, ObjectEvents> tracking, StageQueue<SharedFrame> out, PipelineObserver observer,
            Predicate<PositiveFrame> pixelsNeeded, PixelBudget pixels) {
        this.tracking = tracking;
        this.out = out;
        this.observer = observer;
        this.pixelsNeeded = pixelsNeeded;
        this.pixels = pixels;
    }

    /** Tracks a detected frame ({@code wanted}: its detections of the camera's classes) and passes it on. */
    void detected(GatedFrame g, List<Detection> wanted) {
        String id = g.camera().id();
        VideoFrame frame = g.frame();
        boolean passed = false;
        try {
            FrameTracks tracks;
            try {
                tracks = tracking.get(id).onFrame(frame, wanted);
            } catch (RuntimeException e) {
                observer.error(id, "tracking");
                log.warn("tracking/" + id, String.format("camera %s: tracking failed on frame %d (%s); the frame is"
                        + " skipped", id, frame.sequence(), StageFailure.describe(e)), e);
                return;
            }
            if (wanted.isEmpty() && tracks.isQuiet()) {
                return;
            }
            if (!wanted.isEmpty()) {
                observer.frame(id, Outcome.POSITIVE);
            }
            PositiveFrame p = new PositiveFrame(frame, g.motion(), wanted, tracks);
            if (!pixelsNeeded.test(p)) {
                // no sink reads them: the frame goes on without its pixels, which are freed in the finally below
                p = new PositiveFrame(frame.withoutPixels(), g.motion(), wanted, tracks);
                if (!emit(p, g.mayDrop())) {
                    p.frame().close();
                }
                return;
            }
            passed = emit(p, g.mayDrop());
        } finally {
            if (!passed) {
                frame.close();
            }
        }
    }

    /** Ends every open event of {@code camera} with {@code reason}, on a pixel-less frame carrying the end lines. */
    void end(String camera, TrackEvent.EndReason reason) {
        FrameTracks ends = tracking.get(camera).finish(reason);
        if (ends.isQuiet()) {
            return;
        }
        TrackEvent last = ends.events().isEmpty() ? null : ends.events().get(0);
        VideoFrame marker = new VideoFrame(camera, last == null ? -1 : last.frame(), last == null ? 0 : last.ptsMs(),
                last == null ? java.time.Instant.now() : last.time(), new org.bytedeco.opencv.opencv_core.Mat());
        if (!emit(new PositiveFrame(marker, null, List.of(), ends), false)) {
            marker.close();
            LOG.error("camera {}: {} end line(s) ({}) could not reach the sinks: the output stage is gone", camera,
                    ends.events().size(), reason.label());
        }
    }

    /**
     * True when the output stage took it (it then frees the frame). A frame with pixels first takes their bytes from
     * the pixel budget, waiting for room.
     */
    private boolean emit(PositiveFrame p, boolean mayDrop) {
        long bytes = p.frame().pixelBytes();
        boolean taken = false;
        try {
            if (bytes > 0) {
                if (!pixels.acquire(bytes, out::ended)) {
                    return false;
                }
                taken = true;
            }
            if (out.put(new SharedFrame(p, mayDrop, 1, taken ? pixels : null, bytes))) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (taken) {
            pixels.release(bytes);
        }
        return false;
    }
}
