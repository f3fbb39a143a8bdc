package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the stage threads of one cascade (capture, detector workers, output, one per sink) and is where their fatal
 * failures end up. Explicit lifecycle: {@link #add} the stages, {@link #start()}, {@link #await} them, {@link #close()}.
 * Besides the stages it runs one thread of its own, {@code supervisor}, for the watchdog and the periodic tasks
 * given to {@link #every} (the progress log, track ageing); nothing else starts threads.
 *
 * <p>A stage body that throws (an {@link Error} such as OutOfMemoryError or LinkageError, or an exception no stage
 * expected) is a fatal failure: {@link #fatal} records the first one and calls the cascade's {@code onFatal}, which
 * stops the run. A stage that stays inside one call ({@link Watch#begin}) for longer than the stage timeout is fatal
 * too: it is noticed (one WARN line when it passes a quarter of the timeout) and then stops the run, so a sink stuck
 * in {@code accept()} or an engine that hangs cannot hold the agent for good.
 */
public final class Supervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    /** The body of one stage thread: returns when its input has ended; whatever escapes it is fatal. */
    @FunctionalInterface
    public interface StageBody {
        void run() throws Exception;

        /**
         * Runs once on the stage's thread after {@link #run()} returned or threw, when a fatal failure has been
         * recorded (so the rest of the stop sees it): frees what the stage holds and ends or wakes what waits on it.
         */
        default void end() {
        }
    }

    /**
     * What one stage is doing, for the watchdog: {@link #begin} before a call into its resource (an inference, a
     * sink's accept), {@link #end} after it. Written by the stage's thread, read by the watchdog.
     */
    public static final class Watch {
        private final String stage;
        private volatile long sinceNanos;
        private volatile String what;
        private volatile boolean busy;
        private boolean warned;
        private boolean reported;

        Watch(String stage) {
            this.stage = stage;
        }

        /** The stage enters a call that should end soon; {@code what} names it for the log (camera and frame). */
        public void begin(String what) {
            this.what = what;
            sinceNanos = System.nanoTime();
            busy = true;
        }

        public void end() {
            busy = false;
        }

        String stage() {
            return stage;
        }
    }

    private record Stage(String name, StageBody body) {
    }

    private final Duration stageTimeout;
    private final Consumer<StageFailure> onFatal;
    private final List<Stage> stages = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Watch> watches = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Runnable> periodic = new ArrayList<>();
    private final List<Duration> periods = new ArrayList<>();
    private final AtomicReference<StageFailure> failure = new AtomicReference<>();
    private CountDownLatch running;
    private ScheduledExecutorService timer;
    private boolean started;
    private boolean closed;

    /**
     * @param stageTimeout a stage inside one call for longer is a fatal failure ({@code pipeline.stage_timeout_s})
     * @param onFatal      called once, with the first fatal failure, on the thread that found it
     */
    public Supervisor(Duration stageTimeout, Consumer<StageFailure> onFatal) {
        if (stageTimeout.isNegative() || stageTimeout.isZero()) {
            throw new IllegalArgumentException("stage timeout must be positive");
        }
        this.stageTimeout = stageTimeout;
        this.onFatal = onFatal;
    }

    /** Adds a stage thread named {@code name}; before {@link #start()}. */
    public synchronized void add(String name, StageBody body) {
        if (started) {
            throw new IllegalStateException("stages are added before start");
        }
        stages.add(new Stage(name, body));
    }

    /** The watch of stage {@code name}, checked by the watchdog once started. */
    public Watch watch(String name) {
        Watch w = new Watch(name);
        watches.add(w);
        return w;
    }

    /** Runs {@code task} every {@code period} on the supervisor's thread from {@link #start()}; before start. */
    public synchronized void every(Duration period, Runnable task) {
        if (started) {
            throw new IllegalStateException("periodic tasks are added before start");
        }
        periods.add(period);
        periodic.add(task);
    }

    /** Runs {@code task} once after {@code delay} on the supervisor's thread (after start). */
    public synchronized void after(Duration delay, Runnable task) {
        if (timer != null && !timer.isShutdown()) {
            timer.schedule(guarded("scheduled task", task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        }
    }

    /** Starts every stage thread and the supervisor's own thread. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        running = new CountDownLatch(stages.size());
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "supervisor");
            th.setDaemon(true); // it only watches: it must never keep the process alive
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        timer = t;
        long check = Math.max(50, Math.min(1000, stageTimeout.toMillis() / 8));
        timer.scheduleWithFixedDelay(guarded("watchdog", this::checkWatches), check, check, TimeUnit.MILLISECONDS);
        for (int i = 0; i < periodic.size(); i++) {
            long ms = Math.max(1, periods.get(i).toMillis());
            timer.scheduleAtFixedRate(guarded("periodic task", periodic.get(i)), ms, ms, TimeUnit.MILLISECONDS);
        }
        for (Stage s : stages) {
            Thread th = new Thread(() -> runStage(s), s.name());
            threads.add(th);
        }
        threads.forEach(Thread::start);
    }

    private Runnable guarded(String what, Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.error("supervisor: {} failed: {}", what, e.toString(), e);
            }
        };
    }

    private void runStage(Stage s) {
        try {
            s.body().run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) { // Errors and unexpected exceptions alike end the run, never the thread alone
            fatal(StageFailure.of(s.name(), t));
        } finally {
            try {
                s.body().end();
            } catch (Throwable t) {
                fatal(StageFailure.of(s.name(), t));
            } finally {
                running.countDown();
            }
        }
    }

    /**
     * Records a fatal failure: the first one is logged (one ERROR line: what failed and the fix) and handed to the
     * cascade, which stops the run; later ones are logged as consequences.
     */
    public void fatal(StageFailure f) {
        if (failure.compareAndSet(null, f)) {
            LOG.error("stopping the run: {}", f.getMessage());
            if (f.getCause() != null) {
                LOG.debug("fatal failure of {}", f.stage(), f.getCause());
            }
            onFatal.accept(f);
        } else {
            LOG.error("{} (while stopping)", f.getMessage());
        }
    }

    /** The first fatal failure, or null. */
    public StageFailure failure() {
        return failure.get();
    }

    /** Waits until every stage thread has ended or {@code deadline} passed; true when all ended. */
    public boolean await(Deadline deadline) throws InterruptedException {
        CountDownLatch r;
        synchronized (this) {
            r = running;
        }
        return r == null || r.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
    }

    /** Names of the stage threads still running, with what each is inside of when it is in a watched call. */
    public List<String> stillRunning() {
        List<String> out = new ArrayList<>();
        List<Thread> ts;
        synchronized (this) {
            ts = List.copyOf(threads);
        }
        for (Thread t : ts) {
            if (t.isAlive()) {
                String inside = "";
                for (Watch w : watches) {
                    if (w.stage.equals(t.getName()) && w.busy) {
                        inside = String.format(Locale.ROOT, " (inside %s for %.1f s)", w.what,
                                (System.nanoTime() - w.sinceNanos) / 1e9);
                    }
                }
                out.add(t.getName() + inside);
            }
        }
        return out;
    }

    /** The watchdog: a stage inside one call for a quarter of the timeout is logged, for the whole timeout fatal. */
    private void checkWatches() {
        long now = System.nanoTime();
        long timeout = stageTimeout.toNanos();
        for (Watch w : watches) {
            if (!w.busy) {
                if (w.warned) {
                    LOG.info("{} returned from {}", w.stage, w.what);
                }
                w.warned = false;
                w.reported = false;
                continue;
            }
            long inside = now - w.sinceNanos;
            if (inside >= timeout / 4 && !w.warned) {
                w.warned = true;
                LOG.warn(String.format(Locale.ROOT, "%s has been inside %s for %.1f s (pipeline.stage_timeout_s %d:"
                        + " the run stops if it does not return by then)", w.stage, w.what, inside / 1e9,
                        stageTimeout.toSeconds()));
            }
            if (inside >= timeout && !w.reported) {
                w.reported = true;
                fatal(new StageFailure(w.stage, String.format(Locale.ROOT, "%s: stuck inside %s for %.0f s"
                        + " (pipeline.stage_timeout_s); the agent stops so that its service manager can restart it;"
                        + " check the resource it waits on (disk, network, GPU driver) or raise the timeout",
                        w.stage, w.what, inside / 1e9), null));
            }
        }
    }

    /** Stops the supervisor's own thread. The stage threads end by themselves when their inputs end. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
