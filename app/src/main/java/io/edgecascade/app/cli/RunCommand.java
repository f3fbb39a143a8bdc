package io.edgecascade.app.cli;

import io.edgecascade.app.ConfigReload;
import io.edgecascade.app.ConfigWatcher;
import io.edgecascade.app.MetricsEndpoint;
import io.edgecascade.app.Notifiers;
import io.edgecascade.app.UiEndpoint;
import io.edgecascade.app.Wiring;
import io.edgecascade.app.config.AppConfig;
import io.edgecascade.app.config.ConfigException;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.LookSkip;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.pipeline.RunSummary;
import io.edgecascade.cascade.record.EventClips;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.source.SourceUri;
import io.edgecascade.cascade.ui.AnnotatedVideo;
import io.edgecascade.engines.EngineRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
                        + " frames in flight and exits 0.",
                "SIGHUP reloads the config file: each camera's motion.threshold, motion.min_area and"
                        + " detector.confidence change at once; an invalid file is reported and the run goes on.",
                "--watch-config reloads it the same way whenever the file changes (an edit, a rename over it, a"
                        + " Kubernetes ConfigMap update)."})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML config.")
    Path config;

    @Option(names = "--summary", paramLabel = "FILE", description = "Write the run's summary JSON here at the end.")
    Path summary;

    @Option(names = "--annotate", paramLabel = "OUT.mp4", description = "After the run, write the first camera's"
            + " video (a file) with its detections, track ids and mask outlines drawn.")
    Path annotate;

    @Option(names = "--watch-config", description = "Reload the config file (as SIGHUP does) whenever it changes:"
            + " an edit in place, a file renamed over it, a Kubernetes ConfigMap volume update. On in the container"
            + " images.")
    boolean watchConfig;

    @Override
    public Integer call() {
        LargeBlocks.mapOnTheirOwn(); // freed frames go back to the system (see there)
        AppConfig cfg = load(config);
        // SIGINT/SIGTERM are the agent's from here: a stop while it starts waits for the cascade, not the JVM's exit
        try (CascadeRun signals = CascadeRun.handlingSignals(cfg.pipeline().shutdownTimeout())) {
            return run(cfg, signals);
        }
    }

    private Integer run(AppConfig cfg, CascadeRun signals) {
        AnnotatedVideo annotated = annotate == null ? null : annotatedVideo(cfg.cameras().get(0));
        RunSummary result;
        Cascade cascade;
        BestFrames bestFrames = Wiring.bestFrames(cfg);
        try (MetricsEndpoint metrics = MetricsEndpoint.start(cfg.metrics(), cfg.cameras(), VersionProvider.version());
                UiEndpoint ui = UiEndpoint.create(cfg.ui(), cfg.cameras(), config, bestFrames)) {
            Wiring.Forwarding forwarding = Wiring.forwarding(cfg,
                    List.of(Wiring.metricsListener(metrics.forwardMetrics())), metrics.observers(), bestFrames);
            EventClips clips = eventClips(cfg);
            List<FrameSink> sinks = new ArrayList<>(ui.sinks());
            if (clips != null) {
                sinks.add(clips);
            }
            if (annotated != null) {
                sinks.add(annotated);
            }
            if (forwarding != null) {
                sinks.add(forwarding.uplink());
            }
            List<PipelineObserver> observers = new ArrayList<>(metrics.observers());
            observers.addAll(ui.observers());
            Notifiers notifiers;
            try {
                notifiers = Notifiers.open(cfg, metrics.observers(), VersionProvider.version(), bestFrames);
            } catch (RuntimeException e) {
                closeQuietly(forwarding);
                if (clips != null) {
                    clips.close();
                }
                throw e;
            }
            sinks.addAll(notifiers.sinks());
            observers.addAll(notifiers.observers());
            try {
                cascade = Wiring.cascade(cfg, EngineRegistry.standard(), sinks, observers,
                        clips == null ? null : clips::packetListener);
            } catch (RuntimeException e) {
                closeQuietly(forwarding);
                notifiers.closeUnused();
                if (clips != null) {
                    clips.close();
                }
                throw e;
            }
            notifiers.attach(cascade);
            notifiers.describe().forEach(d -> LOG.info("events also go to {}", d));
            metrics.attach(cascade);
            List<String> cameraIds = cfg.cameras().stream().map(CameraSettings::id).toList();
            boolean keepsBestFrames = cfg.ui().enabled() || forwarding != null
                    || Notifiers.keepBestFrames(cfg.sinks());
            if (keepsBestFrames) {
                metrics.watch(bestFrames, cameraIds);
            }
            if (clips != null) {
                metrics.watch(clips.memory(), cameraIds);
            }
            try {
                ui.attach(cascade, clips == null ? id -> null : clips::existingClip);
            } catch (RuntimeException e) {
                cascade.close();
                throw e;
            }
            ConfigReload reload = new ConfigReload(config, ConfigCommand.loader(), cascade, cfg);
            try (ConfigWatcher watcher = watchConfig ? watch(config, reload, cascade) : null) {
                result = signals.run(cascade, reload);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("interrupted", UserError.FAILED, e);
            }
            if (forwarding != null) {
                result = forwarding.addTo(result, cascade.stats().cameraIds());
            }
            if (keepsBestFrames) {
                result = result.withCameraCounts("best_frames_dropped", bestFrames.dropped());
            }
            if (clips != null) {
                result = result.withCameraCounts("clips_cut", clips.memory().cut())
                        .withCameraCounts("clips_dropped", clips.memory().dropped());
            }
        }
        report(result, summary);
        if (annotated != null && cascade.failure() == null && cascade.failedCameras().isEmpty()) {
            writeAnnotated(annotated, cfg.cameras().get(0), annotate);
        }
        if (cascade.failure() != null) {
            throw UserError.stopped(cascade.failure());
        }
        List<String> failed = cascade.failedCameras();
        if (!failed.isEmpty()) {
            throw new UserError("camera" + (failed.size() > 1 ? "s " : " ") + String.join(", ", failed)
                    + " stopped with an error: " + result.errors().get(failed.get(0)));
        }
        return 0;
    }

    /** Starts watching the config file; when it cannot, closes the cascade that was never started. */
    private static ConfigWatcher watch(Path config, ConfigReload reload, Cascade cascade) {
        try {
            return ConfigWatcher.start(config, reload);
        } catch (IOException | RuntimeException e) {
            cascade.close();
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
    }

    private static EventClips eventClips(AppConfig cfg) {
        if (!cfg.record().events()) {
            return null;
        }
        try {
            EventClips clips = new EventClips(cfg.record(), cfg.cameras());
            clips.start(); // the cascade owns it from here and closes it with its sinks
            return clips;
        } catch (IOException e) {
            throw new UserError("record.dir: cannot create " + cfg.record().dir() + " (" + e.getMessage()
                    + "); choose a writable folder", UserError.FAILED, e);
        }
    }

    private static AnnotatedVideo annotatedVideo(CameraSettings camera) {
        boolean live;
        try {
            live = SourceUri.parse(camera.source()).live();
        } catch (SourceException e) {
            live = true;
        }
        if (live) {
            throw new UserError("--annotate writes the annotated video of a file camera; camera " + camera.id()
                    + " (the first of the config) is live; list a file camera first", UserError.USAGE, null);
        }
        return new AnnotatedVideo(camera.id());
    }

    private static void writeAnnotated(AnnotatedVideo video, CameraSettings camera, Path out) {
        try {
            AnnotatedVideo.Result r = video.write(camera, out);
            LOG.info("annotated video of camera {}: {} ({} frames, {} with detections drawn, {})", camera.id(), out,
                    r.frames(), r.framesWithBoxes(), r.codec());
        } catch (SourceException | IOException e) {
            throw new UserError("--annotate: " + e.getMessage() + "; choose a writable path for the video",
                    UserError.FAILED, e);
        }
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
            List<String> warnings = new ArrayList<>();
            AppConfig config = ConfigCommand.loader().load(file, warnings);
            warnings.forEach(w -> LOG.warn("{}: {}", file, w));
            return config;
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
        result.cameras().forEach((id, c) -> LOG.info(String.format(java.util.Locale.ROOT,
                "camera %s looks: %.2f per second of stream; skipped: %d explained by tracks, %d tracks not due,"
                        + " %d on new motion only", id, c.looksPerSecond(),
                c.looksSkipped(LookSkip.EXPLAINED_BY_TRACKS), c.looksSkipped(LookSkip.TRACKS_NOT_DUE),
                c.looksSkipped(LookSkip.REGION_ONLY))));
        result.events().forEach((id, n) -> LOG.info("camera {}: {} events{}", id, n, result.framesForwarded() == null
                ? "" : ", " + result.framesForwarded().getOrDefault(id, 0L) + " frames chosen for the cloud"));
        if (result.forwarding() != null) {
            result.forwarding().cameras().forEach((id, f) -> LOG.info(String.format(java.util.Locale.ROOT,
                    "camera %s forwarding: %d acknowledged by the cloud, %d waited in the spool, %d evicted,"
                            + " %d failed requests", id, f.forwarded(), f.spooled(), f.spoolEvicted(),
                    f.forwardErrors())));
        }
        result.sinkCounts().forEach((key, perCamera) -> perCamera.forEach((id, n) -> {
            if (n > 0) { // a bound was hit: best frames or clips given up (each counted, see the metrics)
                LOG.warn("camera {}: {} {}", id, n, key.replace('_', ' '));
            }
        }));
        result.models().forEach((id, runs) -> {
            if (runs.size() > 1) {
                LOG.info("camera {} detector runs: {}", id, String.join(", ", runs.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).toList()));
            }
        });
        result.useCases().forEach((id, cases) -> cases.forEach((name, counts) -> LOG.info("camera {} use case {}: {}",
                id, name, counts.isEmpty() ? "nothing counted" : String.join(", ", counts.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).toList()))));
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
