package io.edgecascade.app.cli;

import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.pipeline.RunSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs a cascade to its end: until every file source ends, or until SIGINT/SIGTERM, after which in-flight frames are
 * drained and the command still exits normally. A second signal exits at once.
 *
 * <p>The signals are taken over when this is made, at the start of the command, not when the cascade starts: a stop
 * asked for while the agent is still starting (opening its engine sessions, its forwarder already replaying the spool)
 * is held; when the start-up reaches the cascade, the cascade is not started but closed (its sinks, the forwarder
 * among them, under the deadline that began with the signal) and the run ends with its summary. A start-up step still
 * running at that deadline (engine sessions on a loaded machine, an INT8 quantization of the first start) is left
 * behind: the process exits 0 then, as from any other stop, so the stop stays within the deadline; the spool is safe
 * as after a crash (no frame has been through the pipeline yet). That exit is {@link ImmediateExit}'s, which runs no
 * shutdown hooks or exit handlers under the start-up thread.
 */
final class CascadeRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CascadeRun.class);

    private final Duration shutdownTimeout;
    private final AtomicInteger signals = new AtomicInteger();
    private final List<Installed> installed;
    private Cascade cascade;
    private Deadline early;
    private ImmediateExit immediateExit;

    private CascadeRun(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
        this.installed = handle(new String[] {"INT", "TERM"}, this::signalled);
    }

    /**
     * Takes over SIGINT and SIGTERM now; {@code shutdownTimeout} is the stop's deadline
     * ({@code pipeline.shutdown_timeout_s}), from the signal.
     */
    static CascadeRun handlingSignals(Duration shutdownTimeout) {
        return new CascadeRun(shutdownTimeout);
    }

    private void signalled() {
        if (signals.incrementAndGet() > 1) {
            // detector workers may be inside ONNX Runtime: no exit hooks or handlers under them
            immediateExit().now(130);
        }
        immediateExit();
        Cascade c;
        Deadline deadline;
        synchronized (this) {
            c = cascade;
            if (c == null) {
                early = Deadline.after(shutdownTimeout);
            }
            deadline = early;
        }
        if (c != null) {
            LOG.info("stopping: finishing the frames in flight (signal again to exit at once)");
            c.requestStop();
            return;
        }
        LOG.info("stopping: the agent is still starting; it stops when its start-up step ends, within {} s (signal"
                + " again to exit at once)", shutdownTimeout.toSeconds());
        Thread watch = new Thread(() -> leaveAStuckStartUp(deadline), "start-up-stop");
        watch.setDaemon(true);
        watch.start();
    }

    /** The exit that leaves work behind, its binding loaded at the first signal (not at every start). */
    private synchronized ImmediateExit immediateExit() {
        if (immediateExit == null) {
            immediateExit = ImmediateExit.prepare();
        }
        return immediateExit;
    }

    /** A stop during start-up: when the start-up has not reached the cascade by the stop's deadline, exit. */
    private void leaveAStuckStartUp(Deadline deadline) {
        ImmediateExit exit = immediateExit();
        try {
            Thread.sleep(Math.max(0, deadline.remaining().toMillis()));
        } catch (InterruptedException e) {
            return;
        }
        synchronized (this) {
            if (cascade != null) {
                return;
            }
        }
        LOG.error("stopping: the start-up did not end by the stop's deadline (pipeline.shutdown_timeout_s {}); the agent"
                + " exits without it (what the spool holds is sent on the next start)", shutdownTimeout.toSeconds());
        // not System.exit: the start-up thread may be inside ONNX Runtime (an engine session being created), and
        // ONNX Runtime's shutdown hook would close its environment under it (SIGBUS)
        exit.now(0);
    }

    /**
     * Runs {@code cascade} to its end, and on SIGHUP runs {@code onHangup} (the config reload) on the signal's thread;
     * null leaves SIGHUP as it was. After a stop asked for before, the cascade is closed without being started.
     */
    RunSummary run(Cascade cascade, Runnable onHangup) {
        List<Installed> hangup = onHangup == null ? List.of() : handle(new String[] {"HUP"}, onHangup);
        if (onHangup != null && hangupIgnored(procStatus())) {
            // the JVM keeps a signal ignored at its start ignored, whatever handler is installed: say so once
            LOG.warn("SIGHUP is ignored in this process (started under nohup?), so it will not reload the config:"
                    + " use 'run --watch-config', or start the agent without nohup (systemd, a container)");
        }
        Deadline stopAsked;
        synchronized (this) {
            this.cascade = cascade;
            stopAsked = early;
        }
        try {
            if (stopAsked != null) {
                // nothing has gone through the pipeline yet: no reason to start it only to stop it
                LOG.info("stopping: the start-up ended; the agent stops without starting its cameras");
                cascade.requestStop(stopAsked);
                return cascade.summary();
            }
            cascade.start();
            cascade.awaitCompletion();
            return cascade.summary();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted", UserError.FAILED, e);
        } finally {
            cascade.close();
            restore(hangup);
        }
    }

    /** This process's {@code /proc/self/status}, or empty where there is none. */
    private static String procStatus() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status"));
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    /** Whether a {@code /proc/PID/status} text says SIGHUP (signal 1, the mask's lowest bit) is ignored. */
    static boolean hangupIgnored(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("SigIgn:")) {
                try {
                    return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & 1L) != 0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /** Gives SIGINT and SIGTERM back to the JVM. */
    @Override
    public void close() {
        restore(installed);
    }

    /** A signal handler we installed, and the one it replaced. */
    private record Installed(Signal signal, SignalHandler previous) {
    }

    private static List<Installed> handle(String[] names, Runnable onSignal) {
        List<Installed> installed = new ArrayList<>();
        for (String name : names) {
            try {
                Signal s = new Signal(name);
                installed.add(new Installed(s, Signal.handle(s, sig -> onSignal.run())));
            } catch (IllegalArgumentException e) {
                // the platform lacks this signal (or the JVM reserves it): the default handling stays
            }
        }
        return installed;
    }

    private static void restore(List<Installed> installed) {
        for (Installed i : installed) {
            Signal.handle(i.signal(), i.previous());
        }
    }
}
