package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.Drawing;
import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.UseCase;
import io.edgecascade.cascade.api.UseCaseEvent;
import io.edgecascade.cascade.api.UseCaseOutput;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera's use cases ({@code use_cases:}), called by the tracking step with each detected frame of the camera in
 * capture order: each use case sees the frame's track events and then the frame, and what it hands back (event lines,
 * drawings) travels with the frame to the sinks.
 *
 * <p>A use case is code the agent does not control (a plug-in), so its failures stay its own, by the pipeline's
 * failure model: an exception (or a {@link LinkageError}, a stack overflow: a broken plug-in) on one frame drops that
 * use case's output for the frame (counted in {@code errors_total{stage="use_case_<name>"}}, logged rate-limited);
 * {@code pipeline.error_budget} in a row close it and make a new one; one that cannot be made, or fails on through
 * {@value ErrorBudget#RESTARTS_WITHOUT_SUCCESS} new ones, is left out for the rest of the run with one error line. The
 * camera and its other use cases always go on. Only the errors of the JVM itself (out of memory) escape: fatal. A call
 * that does not return is the watchdog's ({@code pipeline.stage_timeout_s}). Calls come one at a time (the camera's
 * order runs one frame at a time); {@link #counts()} may be called from any thread.
 */
final class CameraUseCases {

    private static final Logger LOG = LoggerFactory.getLogger(CameraUseCases.class);

    /** One use case of the camera: the instance now, its failures in a row, its latest drawings. */
    private static final class Slot {
        final UseCaseSpec spec;
        final ErrorBudget budget;
        volatile UseCase instance;
        volatile Map<String, Long> lastCounts = Map.of();
        List<Drawing> drawings = List.of();
        boolean left;

        Slot(UseCaseSpec spec, int errorBudget) {
            this.spec = spec;
            this.budget = new ErrorBudget(errorBudget);
        }

        String stage() {
            return "use_case_" + spec.name();
        }
    }

    private final CameraSettings camera;
    private final UseCaseMaker maker;
    private final PipelineObserver observer;
    private final Supervisor.Watch watch;
    private final List<Slot> slots = new ArrayList<>();
    private final RateLimitedLog log = new RateLimitedLog(LOG);
    private boolean closed;

    CameraUseCases(CameraSettings camera, UseCaseMaker maker, int errorBudget, PipelineObserver observer,
            Supervisor.Watch watch) {
        this.camera = camera;
        this.maker = maker;
        this.observer = observer;
        this.watch = watch;
        for (UseCaseSpec s : camera.analytics().useCases()) {
            slots.add(new Slot(s, errorBudget));
        }
    }

    /** Makes every use case (at the start of the run); one that cannot be made is left out with one error line. */
    synchronized void open() {
        for (Slot s : slots) {
            s.instance = make(s, "could not be made");
        }
    }

    private UseCase make(Slot s, String what) {
        try {
            UseCase u = maker.make(camera, s.spec);
            if (u == null) {
                throw new IllegalStateException("its factory returned no use case");
            }
            return u;
        } catch (Exception | LinkageError | StackOverflowError | AssertionError e) {
            observer.error(camera.id(), s.stage());
            leaveOut(s, what + ": " + StageFailure.describe(e), e);
            return null;
        }
    }

    private void leaveOut(Slot s, String why, Throwable cause) {
        s.left = true;
        String origin = maker.origin(s.spec.type());
        LOG.error("camera {}: use case {} ({}{}) {}; the camera goes on without it", camera.id(), s.spec.name(),
                s.spec.type(), origin.isEmpty() ? "" : ", " + origin, why);
        LOG.debug("use case {} failure", s.spec.name(), cause);
    }

    /** Lets every use case see {@code frame}; the frame's tracks with their lines and the camera's overlay. */
    synchronized FrameTracks apply(PositiveFrame frame) {
        if (slots.isEmpty() || closed) {
            return frame.tracks();
        }
        List<UseCaseEvent> lines = new ArrayList<>();
        List<Drawing> overlay = new ArrayList<>();
        for (Slot s : slots) {
            if (s.instance != null) {
                Output out = new Output(s, frame);
                if (call(s, frame, out)) {
                    lines.addAll(out.lines);
                    if (out.drawings != null) {
                        s.drawings = out.drawings;
                    }
                }
            }
            overlay.addAll(s.drawings);
        }
        return frame.tracks().withUseCases(lines, overlay);
    }

    /** One use case on one frame; true when it went through. */
    private boolean call(Slot s, PositiveFrame frame, Output out) {
        UseCase u = s.instance;
        watch.begin("use case " + s.spec.name() + " of camera " + camera.id() + " on frame "
                + frame.frame().sequence());
        try {
            for (TrackEvent e : frame.tracks().events()) {
                u.onEvent(e, out);
            }
            u.onFrame(frame, out);
            s.budget.succeeded();
            return true;
        } catch (Exception | LinkageError | StackOverflowError | AssertionError e) {
            failed(s, frame, e);
            return false;
        } finally {
            watch.end();
        }
    }

    /** The per-frame case; after {@code error_budget} in a row the use case is made again; then it is left out. */
    private void failed(Slot s, PositiveFrame frame, Throwable e) {
        observer.error(camera.id(), s.stage());
        log.warn(s.stage() + "/" + camera.id(), String.format("camera %s: use case %s failed on frame %d (%s); its"
                + " output for the frame is skipped (%d in a row)", camera.id(), s.spec.name(),
                frame.frame().sequence(), StageFailure.describe(e), s.budget.inARow() + 1), e);
        if (!s.budget.failed()) {
            return;
        }
        observer.restarted("use_case");
        closeQuietly(s);
        if (s.budget.restarted()) {
            leaveOut(s, "failed " + s.budget.budget() + " frames in a row through "
                    + ErrorBudget.RESTARTS_WITHOUT_SUCCESS + " new instances (last: " + StageFailure.describe(e) + ")",
                    e);
            return;
        }
        LOG.warn("camera {}: use case {} failed {} frames in a row (last: {}); making it again (its counts start"
                + " over)", camera.id(), s.spec.name(), s.budget.budget(), StageFailure.describe(e));
        s.instance = make(s, "could not be made again");
    }

    private void closeQuietly(Slot s) {
        UseCase u = s.instance;
        s.instance = null;
        if (u == null) {
            return;
        }
        s.lastCounts = countsOf(s, u);
        try {
            u.close();
        } catch (Exception | LinkageError | StackOverflowError | AssertionError e) {
            LOG.warn("camera {}: closing use case {} failed: {}", camera.id(), s.spec.name(), StageFailure.describe(e));
        }
    }

    /**
     * What each use case counted (its latest counts once it was closed or left out), by name, every use case listed.
     */
    Map<String, Map<String, Long>> counts() {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (Slot s : slots) {
            UseCase u = s.instance;
            out.put(s.spec.name(), u == null ? s.lastCounts : countsOf(s, u));
        }
        return out;
    }

    private Map<String, Long> countsOf(Slot s, UseCase u) {
        try {
            Map<String, Long> c = u.counts();
            return c == null ? Map.of() : new LinkedHashMap<>(c);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("use case {} counts failed", s.spec.name(), e);
            return s.lastCounts;
        }
    }

    /** Closes every use case (the camera's last frame went through). */
    synchronized void close() {
        closed = true;
        for (Slot s : slots) {
            closeQuietly(s);
        }
    }

    /** The output of one use case on one frame: lines stamped with the frame, its drawings. */
    private final class Output implements UseCaseOutput {
        private final Slot slot;
        private final PositiveFrame frame;
        final List<UseCaseEvent> lines = new ArrayList<>();
        List<Drawing> drawings;

        Output(Slot slot, PositiveFrame frame) {
            this.slot = slot;
            this.frame = frame;
        }

        @Override
        public void event(String type, Map<String, Object> fields) {
            for (Map.Entry<String, Object> f : fields.entrySet()) {
                checkValue(f.getValue(), f.getKey());
            }
            var f = frame.frame();
            lines.add(new UseCaseEvent(camera.id(), f.sequence(), f.ptsMillis(), f.captured(), slot.spec.name(),
                    type, fields));
        }

        @Override
        public void draw(List<Drawing> list) {
            drawings = List.copyOf(list);
        }
    }

    /** A field value must be what a JSON line can hold: text, a number, a boolean, null, lists and maps of them. */
    static void checkValue(Object v, String key) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return;
        }
        if (v instanceof Collection<?> c) {
            int i = 0;
            for (Object o : c) {
                checkValue(o, key + "[" + i++ + "]");
            }
            return;
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException("field " + key + ": map keys must be text");
                }
                checkValue(e.getValue(), key + "." + e.getKey());
            }
            return;
        }
        throw new IllegalArgumentException("field " + key + ": a " + v.getClass().getSimpleName() + " cannot be"
                + " written to an event line; use text, numbers, booleans, lists or maps");
    }
}
