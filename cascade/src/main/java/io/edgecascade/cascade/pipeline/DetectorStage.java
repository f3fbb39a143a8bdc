package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.Outcome;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.Stage;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.detect.DetectionResult;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.detect.RegionDetector;
import io.edgecascade.cascade.tracking.ObjectEvents;
import io.edgecascade.engines.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One detector worker ({@code detector-<n>}): takes gated frames of any camera, runs its own engine session on them
 * (on regions around motion and tracked objects, or the whole frame), keeps the detections of the camera's classes at
 * its confidence and hands the frame back to its camera's order ({@link CameraOrder}), where it is tracked and passed
 * on in capture order.
 *
 * <p>Failures, by kind: an {@link EngineException} or RuntimeException on one frame drops that frame (counted as
 * {@code detector_error} and in {@code errors_total{stage="detector"}}, logged rate-limited) and the worker goes on;
 * {@code pipeline.error_budget} of them in a row make it close its engine session and open a new one
 * ({@link DetectorFactory}) after a backoff; a session that cannot be reopened, or reopening that does not help, is a
 * fatal failure (the supervisor stops the run). An {@link Error} escapes to the supervisor: fatal too. A dead worker
 * keeps taking frames, freeing them, so the capture threads never wait on it.
 */
final class DetectorStage implements Supervisor.StageBody {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorStage.class);
    /** Waits before each attempt to open a new engine session (a GPU that reset needs a moment). */
    static final long[] REOPEN_DELAYS_MS = {500, 1000, 2000};

    private final String name;
    private final DetectorFactory factory;
    private final StageQueue<GatedFrame> in;
    private final Map<String, CameraOrder> orders;
    private final Map<String, ObjectEvents> tracking;
    private final TrackingStep step;
    private final PipelineObserver observer;
    private final Supervisor supervisor;
    private final Supervisor.Watch watch;
    private final StopSignal stop;
    private final ErrorBudget budget;
    private final Runnable onEnd;
    private final RateLimitedLog log = new RateLimitedLog(LOG);
    private ObjectDetector detector;
    private boolean dead;
    private long abandoned;

    /**
     * @param detector its first engine session; the worker owns it (and those it opens) and closes it at its end
     * @param onEnd    called once when the worker ends, whatever the reason
     */
    DetectorStage(String name, ObjectDetector detector, DetectorFactory factory, StageQueue<GatedFrame> in,
            Map<String, CameraOrder> orders, Map<String, ObjectEvents> tracking, TrackingStep step,
            PipelineObserver observer, Supervisor supervisor, StopSignal stop, int errorBudget, Runnable onEnd) {
        this.name = name;
        this.detector = detector;
        this.factory = factory;
        this.in = in;
        this.orders = orders;
        this.tracking = tracking;
        this.step = step;
        this.observer = observer;
        this.supervisor = supervisor;
        this.watch = supervisor.watch(name);
        this.stop = stop;
        this.budget = new ErrorBudget(errorBudget);
        this.onEnd = onEnd;
    }

    @Override
    public void run() throws InterruptedException {
        GatedFrame g;
        while ((g = in.take()) != null) {
            handle(g);
        }
    }

    /** The worker ended (its queue ended, or an Error): closes its session and tells the cascade. */
    @Override
    public void end() {
        if (abandoned > 0) {
            LOG.warn("{}: {} frame(s) were not detected: the shutdown deadline had passed", name, abandoned);
        }
        if (detector != null) {
            closeQuietly(detector);
            detector = null;
        }
        onEnd.run();
    }

    private void handle(GatedFrame g) throws InterruptedException {
        String id = g.camera().id();
        CameraOrder order = orders.get(id);
        if (g.offline()) { // the live camera has been silent for max_age: its events end, in their place in order
            g.frame().close();
            order.complete(g.ticket(), () -> step.end(id, TrackEvent.EndReason.CAMERA_OFFLINE));
            return;
        }
        boolean handedOn = false;
        try {
            if (dead || stop.pastDeadline()) {
                abandoned += dead ? 0 : 1;
                observer.frame(id, Outcome.DROPPED);
                return;
            }
            if (!g.camera().detector().enabled()) { // detection switched off: tracks see a frame without objects
                handedOn = true;
                order.complete(g.ticket(), () -> step.detected(g, List.of()));
                return;
            }
            DetectionResult result;
            watch.begin("inference on camera " + id + " frame " + g.frame().sequence());
            try {
                DetectorSettings settings = g.camera().detector();
                result = RegionDetector.detect(detector, g.frame().image(), settings.regions(),
                        RegionDetector.interest(g.motion(), tracking.get(id).boxes()), settings.confidence(),
                        settings.nmsIou());
            } catch (EngineException | RuntimeException e) {
                failed(g, e);
                return;
            } finally {
                watch.end();
            }
            budget.succeeded();
            observer.stage(id, Stage.PREPROCESS, result.preprocessNanos());
            observer.stage(id, Stage.INFERENCE, result.inferenceNanos());
            observer.stage(id, Stage.POSTPROCESS, result.postprocessNanos());
            observer.frame(id, Outcome.DETECTED);
            List<Detection> wanted = new ArrayList<>();
            for (Detection d : result.detections()) {
                if (g.camera().detector().classes().contains(d.label())) {
                    wanted.add(d);
                }
            }
            handedOn = true;
            order.complete(g.ticket(), () -> step.detected(g, wanted));
        } finally {
            if (!handedOn) {
                g.frame().close();
                order.skip(g.ticket());
            }
        }
    }

    /** The per-frame case; after {@code error_budget} in a row, the transient one: a new engine session. */
    private void failed(GatedFrame g, Exception e) throws InterruptedException {
        String id = g.camera().id();
        observer.frame(id, Outcome.DETECTOR_ERROR);
        observer.error(id, "detector");
        log.warn(name + "/" + id, String.format("camera %s: %s failed on frame %d (%s); the frame is skipped (%d in a"
                + " row)", id, name, g.frame().sequence(), StageFailure.describe(e), budget.inARow() + 1), e);
        if (budget.failed()) {
            restart(e);
        }
    }

    /** Closes the engine session and opens a new one, after a backoff; a failure to is fatal. */
    private void restart(Exception last) throws InterruptedException {
        String failures = budget.budget() + " frames in a row failed (last: " + StageFailure.describe(last) + ")";
        observer.restarted("detector");
        closeQuietly(detector);
        detector = null;
        Exception openFailure = null;
        if (factory != DetectorFactory.NONE) {
            LOG.warn("{}: {}; closing its engine session and opening a new one", name, failures);
            for (long delay : REOPEN_DELAYS_MS) {
                if (stop.sleep(delay)) {
                    dead = true; // the run is stopping: no point in a new session, the queue drains
                    return;
                }
                try {
                    detector = factory.open();
                    break;
                } catch (EngineException | RuntimeException e) {
                    openFailure = e;
                    LOG.warn("{}: opening a new engine session failed: {}", name, StageFailure.describe(e));
                }
            }
        } else {
            try {
                detector = factory.open();
            } catch (EngineException e) {
                openFailure = e;
            }
        }
        if (detector == null) {
            dead = true;
            supervisor.fatal(new StageFailure(name, name + ": " + failures + " and its engine session could not be"
                    + " reopened (" + StageFailure.describe(openFailure) + "); check the model and the engine"
                    + " (edge-cascade probe)", openFailure));
            return;
        }
        LOG.info("{}: new engine session open on {}", name, detector.engine());
        if (budget.restarted()) {
            dead = true;
            supervisor.fatal(new StageFailure(name, name + ": " + failures + " through "
                    + ErrorBudget.RESTARTS_WITHOUT_SUCCESS + " new engine sessions in a row; check the model and the"
                    + " engine (edge-cascade probe), and report the error if they are fine", last));
        }
    }

    private void closeQuietly(ObjectDetector d) {
        if (d == null) {
            return;
        }
        try {
            d.close();
        } catch (RuntimeException | LinkageError e) {
            LOG.error("{}: closing its engine session failed: {}", name, StageFailure.describe(e));
        }
    }
}
