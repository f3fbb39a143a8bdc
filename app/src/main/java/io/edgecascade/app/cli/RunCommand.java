package io.edgecascade.app.cli;

import io.edgecascade.app.MetricsEndpoint;
import io.edgecascade.app.Wiring;
import io.edgecascade.app.config.AppConfig;
import io.edgecascade.app.config.ConfigException;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.pipeline.RunSummary;
import io.edgecascade.engines.EngineRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edge-cascade run --config FILE [--summary FILE]}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run every camera of the config.",
                "Ends when all file sources end; with live cameras it runs until SIGINT/SIGTERM, then finishes the"
                        + " frames in flight and exits 0."})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML config.")
    Path config;

    @Option(names = "--summary", paramLabel = "FILE", description = "Write the run's summary JSON here at the end.")
    Path summary;

    @Override
    public Integer call() {
        AppConfig cfg = load(config);
        RunSummary result;
        Cascade cascade;
        try (MetricsEndpoint metrics = MetricsEndpoint.start(cfg.metrics(), cfg.cameras(), VersionProvider.version())) {
            Wiring.Forwarding forwarding = Wiring.forwarding(cfg,
                    List.of(Wiring.metricsListener(metrics.forwardMetrics())), metrics.observers());
            try {
                cascade = Wiring.cascade(cfg, EngineRegistry.standard(),
                        forwarding == null ? List.of() : List.of(forwarding.uplink()), metrics.observers());
            } catch (RuntimeException e) {
                closeQuietly(forwarding);
                throw e;
            }
            metrics.attach(cascade);
            result = CascadeRun.run(cascade);
            if (forwarding != null) {
                result = forwarding.addTo(result, cascade.stats().cameraIds());
            }
        }
        report(result, summary);
        if (cascade.failure() != null) {
            throw new UserError(cascade.failure().getMessage(), UserError.FAILED, cascade.failure());
        }
        List<String> failed = cascade.failedCameras();
        if (!failed.isEmpty()) {
            throw new UserError("camera" + (failed.size() > 1 ? "s " : " ") + String.join(", ", failed)
                    + " stopped with an error: " + result.errors().get(failed.get(0)));
        }
        return 0;
    }

    static void closeQuietly(Wiring.Forwarding forwarding) {
        if (forwarding == null) {
            return;
        }
        try {
            forwarding.forwarder().close();
        } catch (Exception ignored) {
            // already failing; the first error is the one to report
        }
    }

    static AppConfig load(Path file) {
        try {
            return ConfigCommand.loader().load(file);
        } catch (ConfigException e) {
            throw new UserError(String.join("\n", e.problems().stream().map(p -> file + ": " + p).toList()),
                    UserError.USAGE, e);
        }
    }

    static void report(RunSummary result, Path summaryFile) {
        result.cameras().forEach((id, c) -> LOG.info(String.format(java.util.Locale.ROOT,
                "camera %s done: %d frames decoded, %d sent to the detector (%.1f%%), %d positive, %d dropped,"
                        + " %d decode errors, %d detector errors", id, c.decoded(), c.detected(),
                c.decoded() == 0 ? 0.0 : 100.0 * c.detected() / c.decoded(), c.positive(), c.dropped(),
                c.decodeErrors(), c.detectorErrors())));
        result.events().forEach((id, n) -> LOG.info("camera {}: {} events{}", id, n, result.framesForwarded() == null
                ? "" : ", " + result.framesForwarded().getOrDefault(id, 0L) + " frames chosen for the cloud"));
        if (result.forwarding() != null) {
            result.forwarding().cameras().forEach((id, f) -> LOG.info(String.format(java.util.Locale.ROOT,
                    "camera %s forwarding: %d acknowledged by the cloud, %d waited in the spool, %d evicted,"
                            + " %d failed requests", id, f.forwarded(), f.spooled(), f.spoolEvicted(),
                    f.forwardErrors())));
        }
        LOG.info(String.format(java.util.Locale.ROOT, "run took %.2f s", result.wallSeconds()));
        if (summaryFile != null) {
            try {
                result.write(summaryFile);
            } catch (IOException e) {
                throw new UserError("cannot write summary " + summaryFile + ": " + e.getMessage()
                        + "; choose a writable --summary path", UserError.FAILED, e);
            }
        }
    }
}
