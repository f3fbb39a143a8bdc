package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.Attribute;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.LookSkip;
import io.edgecascade.cascade.api.MotionResult;
import io.edgecascade.cascade.api.Outcome;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.Stage;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.detect.Crops;
import io.edgecascade.cascade.detect.DetectionResult;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.detect.RegionDetector;
import io.edgecascade.cascade.tracking.CameraTracks;
import io.edgecascade.cascade.tracking.EntryResult;
import io.edgecascade.engines.EngineException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One detector worker ({@code detector-<n>}): takes gated frames of any camera and runs the detect entries due on
 * each (its own engine session per model; entries that use the same model file and engine share one): an entry that
 * finds boxes runs on regions around motion and its tracked objects, or the whole frame, and keeps the detections of
 * its classes at its least score that pass the camera's filters; an {@code after:} entry then runs on each of those
 * boxes and its answer becomes an attribute of the object. The frame goes back to its camera's order
 * ({@link CameraOrder}), where it is tracked and passed on in capture order.
 *
 * <p>Failures, by kind: an {@link EngineException} or RuntimeException of one entry on one frame drops that entry's
 * results for the frame (counted as {@code detector_error} and in {@code errors_total{stage="detector"}}, logged
 * rate-limited; a frame no entry could look at is dropped) and the worker goes on; {@code pipeline.error_budget} of
 * them in a row on one session make the worker close that session and open a new one ({@link DetectorFactory}) after a
 * backoff; a session that cannot be reopened, or reopening that does not help, is a fatal failure (the supervisor
 * stops the run). An {@link Error} escapes to the supervisor: fatal too. A dead worker keeps taking frames, freeing
 * them, so the capture threads never wait on it.
 */
final class DetectorStage implements Supervisor.StageBody {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorStage.class);
    /** Waits before each attempt to open a new engine session (a GPU that reset needs a moment). */
    static final long[] REOPEN_DELAYS_MS = {500, 1000, 2000};

    /** One engine session of this worker, with its own count of failures in a row. */
    private static final class Session {
        final String key;
        ObjectDetector detector;
        final ErrorBudget budget;

        Session(String key, ObjectDetector detector, int errorBudget) {
            this.key = key;
            this.detector = detector;
            this.budget = new ErrorBudget(errorBudget);
        }
    }

    private final String name;
    private final Detectors models;
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final StageQueue<GatedFrame> in;
    private final Map<String, CameraOrder> orders;
    private final Map<String, CameraTracks> tracking;
    private final TrackingStep step;
    private final PipelineObserver observer;
    private final Supervisor supervisor;
    private final Supervisor.Watch watch;
    private final StopSignal stop;
    private final Runnable onEnd;
    private final RateLimitedLog log = new RateLimitedLog(LOG);
    private boolean dead;
    private long abandoned;

    /**
     * @param first the worker's first session of each key; the worker owns them (and those it opens) and closes them
     *              at its end
     * @param onEnd called once when the worker ends, whatever the reason
     */
    DetectorStage(String name, Map<String, ObjectDetector> first, Detectors models, StageQueue<GatedFrame> in,
            Map<String, CameraOrder> orders, Map<String, CameraTracks> tracking, TrackingStep step,
            PipelineObserver observer, Supervisor supervisor, StopSignal stop, int errorBudget, Runnable onEnd) {
        this.name = name;
        this.models = models;
        first.forEach((key, d) -> sessions.put(key, new Session(key, d, errorBudget)));
        this.in = in;
        this.orders = orders;
        this.tracking = tracking;
        this.step = step;
        this.observer = observer;
        this.supervisor = supervisor;
        this.watch = supervisor.watch(name);
        this.stop = stop;
        this.onEnd = onEnd;
    }

    @Override
    public void run() throws InterruptedException {
        GatedFrame g;
        while ((g = in.take()) != null) {
            handle(g);
        }
    }

    /** The worker ended (its queue ended, or an Error): closes its sessions and tells the cascade. */
    @Override
    public void end() {
        if (abandoned > 0) {
            LOG.warn("{}: {} frame(s) were not detected: the shutdown deadline had passed", name, abandoned);
        }
        for (Session s : sessions.values()) {
            closeQuietly(s.detector);
            s.detector = null;
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
                Map<String, EntryResult> none = new LinkedHashMap<>();
                for (DetectEntry e : g.entries()) {
                    if (!e.secondary()) {
                        none.put(e.name(), new EntryResult(List.of(), List.of()));
                    }
                }
                handedOn = true;
                order.complete(g.ticket(), () -> step.detected(g, none));
                return;
            }
            Map<String, EntryResult> found = detect(g);
            if (dead || found.isEmpty()) {
                return; // no entry could look at it (each failure counted)
            }
            observer.frame(id, Outcome.DETECTED);
            handedOn = true;
            order.complete(g.ticket(), () -> step.detected(g, found));
        } finally {
            if (!handedOn) {
                g.frame().close();
                order.skip(g.ticket());
            }
        }
    }

    /** Runs the frame's due entries; per entry that could look at it (in order), what it found. */
    private Map<String, EntryResult> detect(GatedFrame g) throws InterruptedException {
        String id = g.camera().id();
        DetectorSettings settings = g.camera().detector();
        CameraAnalytics analytics = g.camera().analytics();
        long[] nanos = new long[3];
        boolean failed = false;
        Map<String, List<Detection>> boxes = new LinkedHashMap<>();
        boolean[] narrowed = new boolean[1];
        for (DetectEntry e : g.entries()) {
            if (e.secondary()) {
                continue;
            }
            // a look at new motion only leaves out the tracked objects: they are not due (tracking.look_again_max_s)
            List<float[]> interest = g.newMotionOnly()
                    ? RegionDetector.interest(new MotionResult(0, g.newMotion(), false), List.of())
                    : RegionDetector.interest(g.motion(), tracking.get(id).boxes(e.name()));
            DetectionResult r = attempt(g, e, "", d -> {
                narrowed[0] |= g.newMotionOnly() && RegionDetector.onRegions(d, g.frame().image(), settings.regions(),
                        interest);
                return RegionDetector.detect(d, g.frame().image(), settings.regions(), interest,
                        e.minScore(settings.confidence()), settings.nmsIou());
            });
            if (r == null) {
                failed = true;
                if (dead) {
                    observer.frame(id, Outcome.DETECTOR_ERROR);
                    return Map.of();
                }
                continue;
            }
            add(nanos, r.preprocessNanos(), r.inferenceNanos(), r.postprocessNanos());
            observer.modelRun(id, e.name());
            Set<String> classes = e.classes().isEmpty() ? settings.classes() : e.classes();
            List<Detection> wanted = new ArrayList<>();
            for (Detection d : analytics.filters().keep(r.detections(), g.frame().width(), g.frame().height())) {
                if (classes.contains(d.label())) {
                    wanted.add(d.withModel(e.name()));
                }
            }
            boxes.put(e.name(), wanted);
        }
        Map<String, List<List<Attribute>>> attributes = new LinkedHashMap<>();
        for (DetectEntry e : g.entries()) {
            List<Detection> parent = e.secondary() ? boxes.get(e.after()) : null;
            if (parent == null || parent.isEmpty()) {
                continue;
            }
            Crops.Result r = attempt(g, e, " on " + parent.size() + " box(es)", d -> Crops.run(d,
                    g.frame().image(), parent, e.minScore(settings.confidence()), settings.nmsIou(), e.classes()));
            if (r == null) {
                failed = true;
                if (dead) {
                    observer.frame(id, Outcome.DETECTOR_ERROR);
                    return Map.of();
                }
                continue;
            }
            add(nanos, r.preprocessNanos(), r.inferenceNanos(), r.postprocessNanos());
            for (int i = 0; i < r.runs(); i++) {
                observer.modelRun(id, e.name());
            }
            List<List<Attribute>> of = attributes.computeIfAbsent(e.after(), k -> newLists(parent.size()));
            for (int i = 0; i < parent.size(); i++) {
                Detection answer = r.answers().get(i);
                if (answer != null) {
                    of.get(i).add(new Attribute(e.name(), answer.label(), answer.score()));
                }
            }
        }
        if (failed) {
            observer.frame(id, Outcome.DETECTOR_ERROR);
        }
        if (narrowed[0]) {
            observer.lookSkipped(id, LookSkip.REGION_ONLY);
        }
        if (!boxes.isEmpty()) {
            observer.stage(id, Stage.PREPROCESS, nanos[0]);
            observer.stage(id, Stage.INFERENCE, nanos[1]);
            observer.stage(id, Stage.POSTPROCESS, nanos[2]);
        }
        Map<String, EntryResult> found = new LinkedHashMap<>();
        boxes.forEach((entry, detections) -> found.put(entry,
                new EntryResult(detections, attributes.getOrDefault(entry, List.of()))));
        return found;
    }

    /** One entry's inference on the frame. */
    @FunctionalInterface
    private interface Inference<R> {
        R run(ObjectDetector detector) throws EngineException;
    }

    /**
     * Runs {@code call} on entry {@code e}'s session, watched by the watchdog; null when it failed (counted, and after
     * {@code error_budget} in a row the session restarted; {@link #dead} when that was fatal).
     */
    private <R> R attempt(GatedFrame g, DetectEntry e, String what, Inference<R> call) throws InterruptedException {
        Session s = session(e);
        watch.begin("inference" + (e == DetectEntry.DEFAULT ? "" : " of " + e.name()) + what + " on camera "
                + g.camera().id() + " frame " + g.frame().sequence());
        R result;
        try {
            result = call.run(s.detector);
        } catch (EngineException | RuntimeException ex) {
            watch.end(); // the restart that may follow is not an inference
            failed(g, e, s, ex);
            return null;
        } finally {
            watch.end();
        }
        s.budget.succeeded();
        return result;
    }

    private static List<List<Attribute>> newLists(int n) {
        List<List<Attribute>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
        }
        return out;
    }

    private static void add(long[] nanos, long pre, long infer, long post) {
        nanos[0] += pre;
        nanos[1] += infer;
        nanos[2] += post;
    }

    private Session session(DetectEntry e) {
        Session s = sessions.get(models.key(e.model()));
        if (s == null) {
            throw new IllegalStateException(name + ": no session for model '" + e.model() + "' (entry " + e.name()
                    + ")");
        }
        return s;
    }

    /** The per-frame case; after {@code error_budget} in a row on one session, the transient one: a new session. */
    private void failed(GatedFrame g, DetectEntry e, Session s, Exception ex) throws InterruptedException {
        String id = g.camera().id();
        observer.error(id, "detector");
        log.warn(name + "/" + id + "/" + e.name(), String.format("camera %s: %s failed on frame %d (%s, entry %s);"
                + " the entry's results for the frame are skipped (%d in a row)", id, name, g.frame().sequence(),
                StageFailure.describe(ex), e.name(), s.budget.inARow() + 1), ex);
        if (s.budget.failed()) {
            restart(s, ex);
        }
    }

    /** Closes one engine session and opens a new one, after a backoff; a failure to is fatal. */
    private void restart(Session s, Exception last) throws InterruptedException {
        String failures = s.budget.budget() + " frames in a row failed (last: " + StageFailure.describe(last) + ")";
        DetectorFactory factory = models.reopen().getOrDefault(s.key, DetectorFactory.NONE);
        observer.restarted("detector");
        closeQuietly(s.detector);
        s.detector = null;
        Exception openFailure = null;
        if (factory != DetectorFactory.NONE) {
            LOG.warn("{}: {}; closing its engine session{} and opening a new one", name, failures, sessionName(s));
            for (long delay : REOPEN_DELAYS_MS) {
                if (stop.sleep(delay)) {
                    dead = true; // the run is stopping: no point in a new session, the queue drains
                    return;
                }
                try {
                    s.detector = factory.open();
                    break;
                } catch (EngineException | RuntimeException e) {
                    openFailure = e;
                    LOG.warn("{}: opening a new engine session{} failed: {}", name, sessionName(s),
                            StageFailure.describe(e));
                }
            }
        } else {
            try {
                s.detector = factory.open();
            } catch (EngineException e) {
                openFailure = e;
            }
        }
        if (s.detector == null) {
            dead = true;
            supervisor.fatal(new StageFailure(name, name + ": " + failures + " and its engine session"
                    + sessionName(s) + " could not be reopened (" + StageFailure.describe(openFailure) + "); check"
                    + " the model and the engine (edge-cascade probe)", openFailure));
            return;
        }
        LOG.info("{}: new engine session{} open on {}", name, sessionName(s), s.detector.engine());
        if (s.budget.restarted()) {
            dead = true;
            supervisor.fatal(new StageFailure(name, name + ": " + failures + " through "
                    + ErrorBudget.RESTARTS_WITHOUT_SUCCESS + " new engine sessions in a row; check the model and the"
                    + " engine (edge-cascade probe), and report the error if they are fine", last));
        }
    }

    /** " of model X" when the worker runs several models; empty for one. */
    private String sessionName(Session s) {
        return sessions.size() > 1 ? " of " + s.key : "";
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
