package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sink's thread ({@code sink-<name>}) and its own small queue, so a slow sink does not hold up the others. It
 * hands each frame to the sink, releases its hold on the pixels, and applies the failure model: a frame the sink
 * throws on is counted ({@code errors_total{stage="sink_<name>"}}) and logged (rate-limited), and the sink goes on;
 * {@code pipeline.error_budget} failures in a row make it {@link FrameSink#reopen()} the sink; a reopen that fails, or
 * reopens that do not help, stop the run. When its queue ends it closes the sink under the stop's deadline, in
 * parallel with the other sinks.
 *
 * <p>A full queue: a frame that may be skipped ({@link SharedFrame#droppable()}: its camera never waits and it
 * carries nothing for the events) is skipped for this sink, counted ({@code sink_dropped_total}) and logged; any other
 * frame waits for room, which holds the output stage (and behind it the detector workers, whose queue then drops live
 * frames). A sink stuck inside one call is the supervisor's watchdog's business.
 */
final class SinkRunner implements Supervisor.StageBody {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRunner.class);

    private final FrameSink sink;
    private final String name;
    private final String stage;
    private final String label;
    private final StageQueue<SharedFrame> queue;
    private final ErrorBudget budget;
    private final PipelineObserver observer;
    private final Supervisor supervisor;
    private final Supervisor.Watch watch;
    private final Supplier<Deadline> stopDeadline;
    private final RateLimitedLog log = new RateLimitedLog(LOG);
    private long late;

    /**
     * @param name         the sink's name, unique in the cascade ({@code event_log})
     * @param stopDeadline the deadline of the stop once it began, else null; the sink is closed under it
     */
    SinkRunner(FrameSink sink, String name, int queueSize, int errorBudget, PipelineObserver observer,
            Supervisor supervisor, Supplier<Deadline> stopDeadline) {
        this.sink = sink;
        this.name = name;
        this.stage = "sink-" + name;
        this.label = "sink_" + name;
        this.queue = new StageQueue<>(stage, queueSize, SharedFrame::camera);
        this.budget = new ErrorBudget(errorBudget);
        this.observer = observer;
        this.supervisor = supervisor;
        this.watch = supervisor.watch(stage);
        this.stopDeadline = stopDeadline;
    }

    /** The thread's name. */
    String stage() {
        return stage;
    }

    FrameSink sink() {
        return sink;
    }

    /** Output stage: queues {@code f} for this sink (it holds one reference for it), as the class comment says. */
    void offer(SharedFrame f) throws InterruptedException {
        if (f.droppable()) {
            if (queue.offer(f)) {
                return;
            }
            f.release();
            if (!queue.ended()) {
                observer.sinkDropped(f.camera(), name);
                log.warn(stage + "/" + f.camera(), String.format("sink %s is behind (its %d frames of queue are full):"
                        + " camera %s frame %d skipped for it, the other sinks got it", name, queue.capacity(),
                        f.camera(), f.positive().frame().sequence()), null);
            }
            return;
        }
        if (!queue.put(f)) {
            f.release(); // the sink's thread is gone (a fatal failure): nothing will take it
        }
    }

    /** No more frames: the thread delivers what is queued, closes the sink and ends. */
    void endQueue() {
        queue.end();
    }

    /** The stop's deadline passed: frees what still waits (counted as skipped) so the thread can close the sink. */
    void abandonQueued() {
        for (SharedFrame f : queue.abort()) {
            observer.sinkDropped(f.camera(), name);
            f.release();
        }
    }

    @Override
    public void run() throws Exception {
        boolean dead = false;
        SharedFrame f;
        while ((f = queue.take()) != null) {
            try {
                Deadline d = stopDeadline.get();
                if (d != null && d.expired()) {
                    late++;
                    observer.sinkDropped(f.camera(), name);
                } else if (!dead) {
                    dead = !deliver(f.positive());
                }
            } finally {
                f.release();
            }
        }
    }

    /** The queue ended (or an Error ended the loop): frees what still waits and closes the sink. */
    @Override
    public void end() {
        for (SharedFrame left : queue.abort()) {
            left.release();
        }
        if (late > 0) {
            LOG.error("sink {}: {} frame(s) still queued at the shutdown deadline were not delivered", name, late);
        }
        close();
    }

    /** Hands one frame to the sink; false once the sink is dead (a fatal failure was reported). */
    private boolean deliver(PositiveFrame p) {
        String camera = p.frame().camera();
        watch.begin("accept() of camera " + camera + " frame " + p.frame().sequence());
        try {
            sink.accept(p);
            budget.succeeded();
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            observer.error(camera, label);
            log.warn(stage + "/" + camera, String.format("sink %s failed on camera %s frame %d (%s); the frame is"
                    + " skipped for it (%d in a row)", name, camera, p.frame().sequence(), StageFailure.describe(e),
                    budget.inARow() + 1), e);
            return !budget.failed() || reopen(e);
        } finally {
            watch.end();
        }
    }

    /** The transient case: the sink failed on {@code error_budget} frames in a row; false when that is fatal. */
    private boolean reopen(Exception last) {
        String failures = budget.budget() + " frames in a row failed (last: " + StageFailure.describe(last) + ")";
        LOG.warn("sink {}: {}; reopening it", name, failures);
        observer.restarted(label);
        watch.begin("reopen()");
        try {
            sink.reopen();
        } catch (Exception e) {
            supervisor.fatal(new StageFailure(stage, stage + ": " + failures + " and reopening it failed: "
                    + StageFailure.describe(e) + "; check what it writes to (disk space, permissions, the server)", e));
            return false;
        } finally {
            watch.end();
        }
        if (budget.restarted()) {
            supervisor.fatal(new StageFailure(stage, stage + ": " + failures + " after " + ErrorBudget.RESTARTS_WITHOUT_SUCCESS
                    + " reopens in a row; check what it writes to (disk space, permissions, the server)", last));
            return false;
        }
        return true;
    }

    private void close() {
        Deadline d = stopDeadline.get();
        try {
            sink.close(d == null ? Deadline.now() : d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.error("sink {}: closing was interrupted", name);
        } catch (Exception | LinkageError e) {
            LOG.error("sink {}: closing failed: {}", name, StageFailure.describe(e));
        }
    }

    @Override
    public String toString() {
        return stage;
    }
}
