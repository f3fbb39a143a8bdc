package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.Outcome;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.Stage;
import io.edgecascade.cascade.detect.DetectionResult;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.detect.RegionDetector;
import io.edgecascade.cascade.tracking.ObjectEvents;
import io.edgecascade.engines.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One detector worker: takes gated frames of any camera, runs the detector (on regions around motion and tracked
 * objects, or the whole frame), keeps the detections of the camera's classes at its confidence, feeds them to
 * the camera's tracker, and passes positive frames (and frames carrying event lines) on; the others end here.
 */
final class DetectorStage implements Runnable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DetectorStage.class);
    /**
     * Frames in a row that may fail with something other than an {@link EngineException} before the worker gives
     * up: one bad frame (an odd size, a decoder glitch) must not end the run, a detector that fails on everything
     * must end it with an error instead of skipping every frame silently.
     */
    static final int MAX_FAILURES_IN_A_ROW = 10;

    private final ObjectDetector detector;
    private final StageQueue<GatedFrame> in;
    private final StageQueue<PositiveFrame> out;
    private final PipelineObserver observer;
    private final Consumer<EngineException> onFailure;
    private final Runnable onEnd;
    private final Map<String, ObjectEvents> tracking;

    DetectorStage(ObjectDetector detector, StageQueue<GatedFrame> in, StageQueue<PositiveFrame> out,
            PipelineObserver observer, Consumer<EngineException> onFailure, Runnable onEnd,
            Map<String, ObjectEvents> tracking) {
        this.tracking = tracking;
        this.detector = detector;
        this.in = in;
        this.out = out;
        this.observer = observer;
        this.onFailure = onFailure;
        this.onEnd = onEnd;
    }

    @Override
    public void run() {
        boolean failed = false;
        int failuresInARow = 0;
        long failures = 0;
        try {
            GatedFrame g;
            while ((g = in.take()) != null) {
                if (failed) {
                    g.frame().close(); // keep draining so capture threads never block on a dead stage
                    continue;
                }
                try {
                    process(g);
                    failuresInARow = 0;
                } catch (EngineException e) {
                    g.frame().close();
                    failed = true;
                    onFailure.accept(e);
                } catch (RuntimeException e) {
                    // a bug or a native error on this frame: skip the frame, count it, keep the worker alive
                    g.frame().close();
                    observer.frame(g.camera().id(), Outcome.DETECTOR_ERROR);
                    failures++;
                    if (failures == 1 || failures % 100 == 0) {
                        LOG.error("camera {}: the detector failed on frame {} ({}); the frame is skipped ({} so"
                                + " far)", g.camera().id(), g.frame().sequence(), e.toString(), failures, e);
                    }
                    if (++failuresInARow >= MAX_FAILURES_IN_A_ROW) {
                        failed = true;
                        onFailure.accept(new EngineException("the detector failed on " + failuresInARow
                                + " frames in a row (last: " + e + "); stopping. Check the model and the engine"
                                + " (edge-cascade probe), and report the error if they are fine", e));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            onEnd.run();
        }
    }

    private void process(GatedFrame g) throws EngineException, InterruptedException {
        String id = g.camera().id();
        DetectorSettings settings = g.camera().detector();
        ObjectEvents events = tracking.get(id);
        DetectionResult result = RegionDetector.detect(detector, g.frame().image(), settings.regions(),
                RegionDetector.interest(g.motion(), events.boxes()), settings.confidence(), settings.nmsIou());
        observer.stage(id, Stage.PREPROCESS, result.preprocessNanos());
        observer.stage(id, Stage.INFERENCE, result.inferenceNanos());
        observer.stage(id, Stage.POSTPROCESS, result.postprocessNanos());
        observer.frame(id, Outcome.DETECTED);
        List<Detection> wanted = new ArrayList<>();
        for (Detection d : result.detections()) {
            if (settings.classes().contains(d.label())) {
                wanted.add(d);
            }
        }
        FrameTracks tracks = events.onFrame(g.frame(), wanted);
        if (wanted.isEmpty() && tracks.isQuiet()) {
            g.frame().close();
            return;
        }
        if (!wanted.isEmpty()) {
            observer.frame(id, Outcome.POSITIVE);
        }
        if (!out.put(new PositiveFrame(g.frame(), g.motion(), wanted, tracks))) {
            g.frame().close(); // the output stage is gone: the run is stopping
        }
    }
}
