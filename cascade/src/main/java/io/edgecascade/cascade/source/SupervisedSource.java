package io.edgecascade.cascade.source;

import io.edgecascade.cascade.api.CameraState;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera that never gives up: wraps one connection at a time ({@link Connector}) and, when opening fails, the
 * stream ends, reading fails or the stall watchdog fires, closes it and connects again after an exponential
 * backoff with full jitter (a random wait up to {@code min(max, initial * 2^attempt)}); the attempt count starts
 * over once a connection has streamed for {@link #HEALTHY_NANOS}. A file with {@code loop: true} is started again
 * at its end instead.
 *
 * <p>Frames keep one timeline across connections: sequence numbers continue, and a live connection's timestamps
 * are anchored to the wall-clock time since {@link #open()} at its first frame, so {@code pts_ms} never goes back. A
 * live connection whose timestamps drift from the clock by more than {@link #MAX_DRIFT_MILLIS} (made up by the
 * demuxer at a rate the camera does not send, as MJPEG's are) is timed by the clock from then on, with one line.
 * Each state change ({@link CameraState}) is one INFO line; while an outage lasts, only the first
 * {@link #LOGGED_FAILURES} failures are logged in full, then one line a minute. {@link #abort()} (any thread) ends
 * a blocked connect, read or backoff within about 0.1 s and makes {@link #grab()} return null.
 */
public final class SupervisedSource implements FrameSource {

    /** Makes a new, unopened connection. */
    @FunctionalInterface
    public interface Connector {
        FrameSource connect() throws SourceException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(SupervisedSource.class);
    static final long HEALTHY_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final int LOGGED_FAILURES = 3;
    private static final long QUIET_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** A live connection's stream time may drift this far from the clock (jitter, a slow network) before it is not trusted. */
    static final long MAX_DRIFT_MILLIS = 2000;
    /** The drift is measured from where it stands this long after a connection's first frame (past a start-up burst). */
    static final long DRIFT_BASELINE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String camera;
    private final SourceUri uri;
    private final StreamOptions options;
    private final Connector connector;
    private final SourceHealth health;
    private final DoubleSupplier random;
    private final Object sleeper = new Object();
    private volatile boolean stopped;
    private volatile FrameSource current;
    private CameraState state;
    private String lastError;
    private long openNanos;
    private long connectedNanos;
    private int attempt;
    private int outageFailures;
    private long outageStartNanos;
    private long lastQuietLogNanos;
    private boolean everFailed;
    private boolean firstFrameOfConnection;
    /** This connection's first frame: its stream time and when it came; and whether its times are the clock's. */
    private long connectionFirstPts;
    private long connectionFirstNanos;
    private long driftBaseline;
    private boolean baselineSet;
    private boolean clockTimed;
    private long ptsOffset;
    private long lastPts = -1;
    private long sequence;
    private long closedDecodeErrors;
    private double frameRate;
    private int framesThisPass;

    public SupervisedSource(String camera, SourceUri uri, StreamOptions options, Connector connector,
            SourceHealth health, DoubleSupplier random) {
        this.camera = camera;
        this.uri = uri;
        this.options = options;
        this.connector = connector;
        this.health = health;
        this.random = random;
    }

    public SupervisedSource(String camera, SourceUri uri, StreamOptions options, Connector connector,
            SourceHealth health) {
        this(camera, uri, options, connector, health, Math::random);
    }

    /** Live cameras connect in {@link #grab()}, so one that is down at start is retried like any other; files open here. */
    @Override
    public void open() throws SourceException {
        openNanos = System.nanoTime();
        if (!uri.live()) {
            connectFile();
        }
    }

    private void connectFile() throws SourceException {
        FrameSource s = connector.connect();
        try {
            s.open();
        } catch (SourceException | RuntimeException e) {
            s.close();
            throw e;
        }
        current = s;
        frameRate = s.frameRate();
        framesThisPass = 0;
    }

    @Override
    public Frame grab() throws SourceException {
        while (!stopped) {
            if (current == null) {
                if (!uri.live()) {
                    connectFile();
                } else if (!connect()) {
                    continue;
                }
            }
            Frame f;
            try {
                f = current.grab();
            } catch (InterruptibleFfmpegSource.StalledException e) {
                closeCurrent();
                health.stalled();
                setState(CameraState.STALLED, e.getMessage());
                failed(e.getMessage());
                continue;
            } catch (SourceException e) {
                closeCurrent();
                if (stopped || !uri.live()) {
                    if (stopped) {
                        return null;
                    }
                    throw e;
                }
                failed(e.getMessage());
                continue;
            }
            if (f == null) {
                closeCurrent();
                if (!uri.live()) {
                    if (!options.loop() || framesThisPass == 0) {
                        return null;
                    }
                    ptsOffset = lastPts + frameInterval();
                    continue;
                }
                if (!stopped) {
                    failed(uri + ": the stream ended");
                }
                continue;
            }
            return onFrame(f);
        }
        return null;
    }

    private long frameInterval() {
        return frameRate > 0 ? Math.round(1000 / frameRate) : 1;
    }

    /** One attempt: true when connected, false after a failure (and its backoff) or a stop. */
    private boolean connect() {
        setState(CameraState.CONNECTING, lastError);
        FrameSource s = null;
        try {
            s = connector.connect();
            current = s;
            if (stopped) {
                closeCurrent();
                return false;
            }
            s.open();
            frameRate = s.frameRate();
            connectedNanos = System.nanoTime();
            firstFrameOfConnection = true;
            return true;
        } catch (SourceException | RuntimeException e) {
            closeCurrent();
            if (!stopped) {
                failed(e instanceof SourceException ? e.getMessage() : e.toString());
            }
            return false;
        }
    }

    private Frame onFrame(Frame f) {
        framesThisPass++;
        long pts;
        if (uri.live()) {
            long now = System.nanoTime();
            if (firstFrameOfConnection) {
                firstFrameOfConnection = false;
                long wall = TimeUnit.NANOSECONDS.toMillis(now - openNanos);
                ptsOffset = Math.max(wall, lastPts + 1) - f.ptsMillis();
                connectionFirstPts = f.ptsMillis();
                connectionFirstNanos = now;
                baselineSet = false;
                clockTimed = false;
                if (everFailed) {
                    health.reconnected();
                }
                if (state != CameraState.STREAMING) {
                    long outage = outageStartNanos == 0 ? 0 : System.nanoTime() - outageStartNanos;
                    String after = outageFailures == 0 ? "" : String.format(Locale.ROOT,
                            " again after %d failed attempt%s over %.1f s", outageFailures,
                            outageFailures == 1 ? "" : "s", outage / 1e9);
                    LOG.info("camera {}: streaming{} ({} fps)", camera, after,
                            String.format(Locale.ROOT, "%.2f", frameRate));
                    setStateQuietly(CameraState.STREAMING);
                }
                outageFailures = 0;
                outageStartNanos = 0;
            } else if (!clockTimed) {
                long drift = (f.ptsMillis() - connectionFirstPts) - TimeUnit.NANOSECONDS.toMillis(now
                        - connectionFirstNanos);
                if (!baselineSet && now - connectionFirstNanos >= DRIFT_BASELINE_NANOS) {
                    baselineSet = true; // a burst of buffered frames at the start runs ahead once, and stays so
                    driftBaseline = drift;
                } else if (baselineSet && Math.abs(drift - driftBaseline) > MAX_DRIFT_MILLIS) {
                    clockTimed = true;
                    LOG.warn("camera {}: its timestamps drifted {} s from the clock in {} s (a made-up frame rate);"
                            + " its frames are timed by the clock from now on", camera,
                            String.format(Locale.ROOT, "%+.1f", (drift - driftBaseline) / 1000.0),
                            String.format(Locale.ROOT, "%.1f", (now - connectionFirstNanos) / 1e9));
                }
            }
            if (clockTimed) {
                lastPts = Math.max(TimeUnit.NANOSECONDS.toMillis(now - openNanos), lastPts + 1);
                return f.renumbered(sequence++, lastPts);
            }
        } else if (state != CameraState.STREAMING) {
            setStateQuietly(CameraState.STREAMING);
        }
        pts = Math.max(f.ptsMillis() + ptsOffset, Math.max(lastPts, 0));
        lastPts = pts;
        return f.renumbered(sequence++, pts);
    }

    /** Records a failure, then waits the backoff (or until stopped). */
    private void failed(String error) {
        everFailed = true;
        lastError = SourceUri.redact(error);
        long now = System.nanoTime();
        if (connectedNanos != 0 && now - connectedNanos >= HEALTHY_NANOS) {
            attempt = 0; // the connection was healthy for a minute: this is a new outage, not a flapping camera
        }
        connectedNanos = 0;
        if (outageFailures++ == 0) {
            outageStartNanos = now;
        }
        long ceiling = options.reconnectInitialMillis();
        for (int i = 0; i < attempt && ceiling < options.reconnectMaxMillis(); i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, options.reconnectMaxMillis());
        long delay = (long) (random.getAsDouble() * ceiling);
        attempt++;
        if (outageFailures <= LOGGED_FAILURES) {
            LOG.warn("camera {}: {}; retrying in {} s (attempt {})", camera, lastError,
                    String.format(Locale.ROOT, "%.1f", delay / 1000.0), outageFailures);
            lastQuietLogNanos = now;
        } else if (now - lastQuietLogNanos >= QUIET_LOG_NANOS) {
            LOG.warn("camera {}: still not streaming after {} attempts over {} s; last error: {}", camera,
                    outageFailures, Math.round((now - outageStartNanos) / 1e9), lastError);
            lastQuietLogNanos = now;
        }
        setStateQuietly(CameraState.BACKOFF);
        sleep(delay);
    }

    private void sleep(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (sleeper) {
            long left;
            while (!stopped && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(sleeper, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopped = true;
                }
            }
        }
    }

    /** A transition with its INFO line (connecting and stalled are logged while the outage is young). */
    private void setState(CameraState next, String error) {
        if (next == state) {
            return;
        }
        if (outageFailures < LOGGED_FAILURES) {
            LOG.info("camera {}: {} {}", camera, next.label(), next == CameraState.STALLED ? "(" + error + ")" : uri);
        }
        setStateQuietly(next);
    }

    private void setStateQuietly(CameraState next) {
        state = next;
        health.state(next, lastError);
    }

    private void closeCurrent() {
        FrameSource s = current;
        current = null;
        if (s != null) {
            closedDecodeErrors += s.decodeErrors();
            s.close();
        }
    }

    /**
     * Closes the connection; the next {@link #grab()} connects again: after the backoff for a live camera (this
     * counts as a failure of the connection), from the start of the file for a looped one (its timeline goes on).
     */
    @Override
    public void restart(String reason) {
        closeCurrent();
        if (stopped) {
            return;
        }
        if (uri.live()) {
            failed(reason);
        } else {
            ptsOffset = lastPts + frameInterval();
        }
    }

    /** Stops: ends a blocked connect or read, or the backoff wait; {@link #grab()} then returns null. */
    @Override
    public void abort() {
        stopped = true;
        FrameSource s = current;
        if (s != null) {
            s.abort();
        }
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
    }

    /** The camera's state now (null before the first connect). */
    public CameraState state() {
        return state;
    }

    /** The latest failure, credentials redacted; null before any. */
    public String lastError() {
        return lastError;
    }

    @Override
    public double frameRate() {
        return frameRate;
    }

    @Override
    public boolean isLive() {
        return uri.live();
    }

    @Override
    public long decodeErrors() {
        FrameSource s = current;
        return closedDecodeErrors + (s == null ? 0 : s.decodeErrors());
    }

    @Override
    public String describe() {
        return uri + (options.loop() && !uri.live() ? " (looped)" : "");
    }

    @Override
    public void close() {
        stopped = true;
        closeCurrent();
    }
}
