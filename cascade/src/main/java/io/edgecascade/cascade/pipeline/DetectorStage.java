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
import io.edgecascade.cascade.detect.DetectRequest;
import io.edgecascade.cascade.detect.DetectionResult;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.detect.RegionDetector;
import io.edgecascade.cascade.tracking.CameraTracks;
import io.edgecascade.cascade.tracking.EntryResult;
import io.edgecascade.engines.EngineException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>With {@code pipeline.batch} N above 1 the worker takes up to N frames at once, one per camera, those that are
 * ready ({@link StageQueue#takeUpTo}: the round robin goes on, nothing waits for a batch to fill), and first runs the
 * looks of their entries that find boxes together: the images (whole frames, or the regions of a frame) of each engine
 * session go through it in batches of the session's size (a partial batch padded), and each frame gets back its own
 * detections; then each frame goes on alone as above ({@code after:} entries run box by box). An engine failure on a
 * batch fails the entry on every frame in it (each counted for its camera) and counts once towards the session's
 * {@code error_budget}.
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
    /** Frames taken at once ({@code pipeline.batch}). */
    private final int batch;
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
    /** Batches run and the images in them (pipeline.batch above 1), for the line at the worker's end. */
    private long batchesRun;
    private long imagesRun;

    /**
     * @param first the worker's first session of each key; the worker owns them (and those it opens) and closes them
     *              at its end
     * @param batch frames taken at once, one per camera ({@code pipeline.batch})
     * @param onEnd called once when the worker ends, whatever the reason
     */
    DetectorStage(String name, Map<String, ObjectDetector> first, Detectors models, StageQueue<GatedFrame> in,
            Map<String, CameraOrder> orders, Map<String, CameraTracks> tracking, TrackingStep step,
            PipelineObserver observer, Supervisor supervisor, StopSignal stop, int errorBudget, int batch,
            Runnable onEnd) {
        this.name = name;
        this.models = models;
        this.batch = batch;
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
        if (batch <= 1) {
            GatedFrame g;
            while ((g = in.take()) != null) {
                handle(g, Map.of());
            }
            return;
        }
        List<GatedFrame> frames;
        while (!(frames = in.takeUpTo(batch)).isEmpty()) {
            int started = 0;
            try {
                Map<GatedFrame, Map<String, Optional<DetectionResult>>> looked = lookTogether(frames);
                for (GatedFrame g : frames) {
                    started++; // from here on handle() frees the frame, whatever happens
                    handle(g, looked.getOrDefault(g, Map.of()));
                }
            } finally {
                for (GatedFrame g : frames.subList(started, frames.size())) { // an Error or an interrupt
                    g.frame().close();
                    orders.get(g.camera().id()).skip(g.ticket());
                }
            }
        }
    }

    /** One look of a batch: a frame's entry, planned, and the results of its images so far. */
    private record Pending(GatedFrame frame, DetectEntry entry, RegionDetector.Look look,
            List<DetectionResult> results) {
    }

    /**
     * The looks of the frames' entries that find boxes on a batched session ({@link ObjectDetector#batch()} above 1),
     * run together; per frame, per entry name, its result, or empty when its batch failed (counted). Entries on a
     * session of batch 1, and frames that are not to be detected, are left to {@link #handle}.
     */
    private Map<GatedFrame, Map<String, Optional<DetectionResult>>> lookTogether(List<GatedFrame> frames)
            throws InterruptedException {
        Map<GatedFrame, Map<String, Optional<DetectionResult>>> out = new IdentityHashMap<>();
        if (dead || stop.pastDeadline()) {
            return out;
        }
        Map<Session, List<Pending>> bySession = new LinkedHashMap<>();
        try {
            for (GatedFrame g : frames) {
                DetectorSettings settings = g.camera().detector();
                if (g.offline() || !settings.enabled()) {
                    continue;
                }
                for (DetectEntry e : g.entries()) {
                    Session s = e.secondary() ? null : session(e);
                    if (s == null || s.detector.batch() <= 1) {
                        continue;
                    }
                    RegionDetector.Look look = RegionDetector.Look.plan(s.detector, g.frame().image(),
                            settings.regions(), interest(g, e), e.minScore(settings.confidence()),
                            settings.nmsIou());
                    bySession.computeIfAbsent(s, k -> new ArrayList<>()).add(new Pending(g, e, look,
                            new ArrayList<>()));
                }
            }
            for (Map.Entry<Session, List<Pending>> e : bySession.entrySet()) {
                runBatches(e.getKey(), e.getValue(), out);
            }
        } finally {
            bySession.values().forEach(list -> list.forEach(p -> p.look().close()));
        }
        return out;
    }

    /** Runs the images of {@code looks} on session {@code s} in batches of its size; puts each look's result. */
    private void runBatches(Session s, List<Pending> looks, Map<GatedFrame, Map<String, Optional<DetectionResult>>> out)
            throws InterruptedException {
        List<DetectRequest> images = new ArrayList<>();
        List<Pending> owners = new ArrayList<>();
        for (Pending p : looks) {
            for (DetectRequest r : p.look().images()) {
                images.add(r);
                owners.add(p);
            }
        }
        int size = s.detector.batch();
        Set<Pending> failed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (int from = 0; from < images.size() && !dead; from += size) {
            int to = Math.min(images.size(), from + size);
            List<Pending> in = owners.subList(from, to);
            Set<String> cameras = new java.util.TreeSet<>();
            in.forEach(p -> cameras.add(p.frame().camera().id()));
            watch.begin("inference of a batch of " + (to - from) + " image(s) on camera(s) "
                    + String.join(", ", cameras));
            List<DetectionResult> results;
            try {
                results = s.detector.detectBatch(images.subList(from, to));
            } catch (EngineException | RuntimeException ex) {
                watch.end(); // the restart that may follow is not an inference
                batchFailed(s, in, ex);
                failed.addAll(in);
                continue;
            } finally {
                watch.end();
            }
            s.budget.succeeded();
            observer.detectorBatch(to - from, size);
            batchesRun++;
            imagesRun += to - from;
            for (int i = 0; i < results.size(); i++) {
                in.get(i).results().add(results.get(i));
            }
        }
        for (Pending p : looks) {
            Optional<DetectionResult> r;
            if (failed.contains(p)) {
                r = Optional.empty();
            } else if (p.results().size() == p.look().images().size()) {
                r = Optional.of(p.look().merge(p.results()));
            } else {
                continue; // the worker died before its batch ran: handle() drops the frame
            }
            out.computeIfAbsent(p.frame(), k -> new LinkedHashMap<>()).put(p.entry().name(), r);
        }
    }

    /** A batch failed: the per-frame case for each frame's entry in it, one failure towards the budget. */
    private void batchFailed(Session s, List<Pending> in, Exception ex) throws InterruptedException {
        Set<Pending> each = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        each.addAll(in);
        for (Pending p : each) {
            String id = p.frame().camera().id();
            observer.error(id, "detector");
            log.warn(name + "/" + id + "/" + p.entry().name(), String.format("camera %s: %s failed on frame %d in a"
                    + " batch of %d (%s, entry %s); the entry's results for the frame are skipped (%d batch(es) in a"
                    + " row)", id, name, p.frame().frame().sequence(), in.size(), StageFailure.describe(ex),
                    p.entry().name(), s.budget.inARow() + 1), ex);
        }
        if (s.budget.failed()) {
            restart(s, ex);
        }
    }

    /** The worker ended (its queue ended, or an Error): closes its sessions and tells the cascade. */
    @Override
    public void end() {
        if (batchesRun > 0) {
            LOG.info("{}: {} batch(es) of up to {} image(s) run, {} image(s) per batch on average", name, batchesRun,
                    batch, String.format(java.util.Locale.ROOT, "%.2f", (double) imagesRun / batchesRun));
        }
        if (abandoned > 0) {
            LOG.warn("{}: {} frame(s) were not detected: the shutdown deadline had passed", name, abandoned);
        }
        for (Session s : sessions.values()) {
            closeQuietly(s.detector);
            s.detector = null;
        }
        onEnd.run();
    }

    /**
     * Where an entry looks on a frame: the frame's motion and the entry's tracked boxes; a look at new motion only
     * leaves out the tracked objects, which are not due ({@code tracking.look_again_max_s}).
     */
    private List<float[]> interest(GatedFrame g, DetectEntry e) {
        return g.newMotionOnly()
                ? RegionDetector.interest(new MotionResult(0, g.newMotion(), false), List.of())
                : RegionDetector.interest(g.motion(), tracking.get(g.camera().id()).boxes(e.name()));
    }

    /** @param looked what {@link #lookTogether} found for the frame's entries (the others run here) */
    private void handle(GatedFrame g, Map<String, Optional<DetectionResult>> looked) throws InterruptedException {
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
            Map<String, EntryResult> found = detect(g, looked);
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
    private Map<String, EntryResult> detect(GatedFrame g, Map<String, Optional<DetectionResult>> looked)
            throws InterruptedException {
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
            List<float[]> interest = interest(g, e);
            Optional<DetectionResult> batched = looked.get(e.name());
            DetectionResult r = batched != null ? batched.orElse(null) // a failed batch was counted there
                    : attempt(g, e, "", d -> {
                        narrowed[0] |= g.newMotionOnly() && RegionDetector.onRegions(d, g.frame().image(),
                                settings.regions(), interest);
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
