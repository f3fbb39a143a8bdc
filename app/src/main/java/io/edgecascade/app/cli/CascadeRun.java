package io.edgecascade.app.cli;

import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.pipeline.RunSummary;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs a cascade to its end: until every file source ends, or until SIGINT/SIGTERM, after which in-flight
 * frames are drained and the command still exits normally. A second signal exits at once.
 */
final class CascadeRun {

    private static final Logger LOG = LoggerFactory.getLogger(CascadeRun.class);

    private CascadeRun() {
    }

    static RunSummary run(Cascade cascade) {
        return run(cascade, null);
    }

    /**
     * Like {@link #run(Cascade)}, and on SIGHUP runs {@code onHangup} (the config reload) on the signal's
     * thread; null leaves SIGHUP as it was.
     */
    static RunSummary run(Cascade cascade, Runnable onHangup) {
        List<Installed> hangup = onHangup == null ? List.of() : handle(new String[] {"HUP"}, onHangup);
        try {
            return runToEnd(cascade);
        } finally {
            restore(hangup);
        }
    }

    private static RunSummary runToEnd(Cascade cascade) {
        AtomicInteger signals = new AtomicInteger();
        Runnable onSignal = () -> {
            if (signals.incrementAndGet() == 1) {
                LOG.info("stopping: finishing the frames in flight (signal again to exit at once)");
                cascade.requestStop();
            } else {
                Runtime.getRuntime().halt(130);
            }
        };
        var previous = handle(new String[] {"INT", "TERM"}, onSignal);
        try {
            cascade.start();
            cascade.awaitCompletion();
            return cascade.summary();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted", UserError.FAILED, e);
        } finally {
            cascade.close();
            restore(previous);
        }
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
