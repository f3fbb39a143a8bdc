package io.edgecascade.app.cli;

import io.edgecascade.app.Notifiers;
import io.edgecascade.app.UiEndpoint;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.app.Wiring;
import io.edgecascade.app.config.AppConfig;
import io.edgecascade.app.config.NotifyConfig;
import io.edgecascade.app.models.Asset;
import io.edgecascade.app.models.AssetDownloader;
import io.edgecascade.app.models.ModelCatalog;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.detect.Labels;
import io.edgecascade.cascade.forward.CloudSettings;
import io.edgecascade.cascade.metrics.MetricsSettings;
import io.edgecascade.cascade.notify.DeliverySettings;
import io.edgecascade.cascade.notify.mqtt.MqttSettings;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.pipeline.CascadeOptions;
import io.edgecascade.cascade.pipeline.DetectorSettings;
import io.edgecascade.cascade.pipeline.RunSummary;
import io.edgecascade.cascade.spool.SpoolDirectory;
import io.edgecascade.cascade.ui.UiSettings;
import io.edgecascade.engines.EngineRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code edge-cascade demo}: the cascade on the sample video, printing who it saw and when. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the cascade on the sample video with the sample model and print what it found.",
                "Assets come from --assets, else $EDGE_CASCADE_ASSETS, else ./assets; missing ones are pulled."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--assets", paramLabel = "DIR", description = "Folder with models/ and video/ (as 'models pull'"
            + " lays them out).")
    Path assets;

    @Option(names = "--events", paramLabel = "FILE", description = "Keep the event log here (default: a temporary"
            + " file, deleted afterwards).")
    Path events;

    @Option(names = "--mirror", paramLabel = "URL", description = "Base URL to pull missing assets from.")
    URI mirror;

    @Option(names = "--no-gate", description = "Send every frame to the detector (to compare with the gated run).")
    boolean noGate;

    @Option(names = "--no-cloud", description = "Do not forward the events' best frames to the embedded cloud server.")
    boolean noCloud;

    @Option(names = "--ui", arity = "0..1", fallbackValue = "127.0.0.1:8090", paramLabel = "HOST:PORT",
            description = "Serve the web page (live view, events, tuning) here, default 127.0.0.1:8090, and read the"
                    + " video at its own frame rate so there is something to watch.")
    String ui;

    @Option(names = "--mqtt", paramLabel = "HOST:PORT", description = "Also publish the events to this MQTT broker"
            + " (topics under edge-cascade/, as mqtt: in a config does), e.g. 127.0.0.1:1883.")
    String mqtt;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        LargeBlocks.mapOnTheirOwn(); // freed frames go back to the system (see there)
        PrintWriter out = spec.commandLine().getOut();
        Path dir = assetsDir();
        List<Asset> missing = AssetDownloader.missing(ModelCatalog.standard(), dir);
        if (!missing.isEmpty()) {
            out.println("assets missing in " + dir.toAbsolutePath() + ": pulling them first");
            out.flush();
            try {
                ModelsCommand.pull(missing, dir, mirror, out);
            } catch (UserError e) {
                throw new UserError(e.getMessage() + ". Or point --assets (or EDGE_CASCADE_ASSETS) at a folder"
                        + " holding models/yolox_nano.onnx, models/coco_classes.txt and"
                        + " video/one-by-one-person-detection.mp4", e.exitCode(), e.getCause());
            }
        }
        Path eventFile = events != null ? events : Files.createTempFile("edge-cascade-demo-", ".jsonl");
        if (events != null) {
            Files.deleteIfExists(events);
        }
        try {
            return run(dir, eventFile, out);
        } finally {
            if (events == null) {
                Files.deleteIfExists(eventFile);
            }
        }
    }

    private UiSettings uiSettings() {
        if (ui == null) {
            return UiSettings.OFF;
        }
        MetricsSettings address;
        try {
            address = MetricsSettings.parse(ui);
        } catch (IllegalArgumentException e) {
            throw new UserError("--ui: " + e.getMessage().replace("9108", "8090").replace("the endpoint off",
                    "the page off"), UserError.USAGE, e);
        }
        return new UiSettings(address.enabled(), address.host(), address.port(), false, UiSettings.DEFAULT_FPS,
                UiSettings.DEFAULT_WIDTH);
    }

    /** {@code --mqtt HOST:PORT} ({@code [v6]:PORT} too): a plain broker, the default topics. */
    static MqttSettings mqttSettings(String hostPort, Path outbox) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\[[0-9A-Fa-f:.]+]|[^:\\[\\]/\\s]+):([0-9]{1,5})$")
                .matcher(hostPort.trim());
        int port = m.matches() ? Integer.parseInt(m.group(2)) : -1;
        if (port < 1 || port > 65535) {
            throw new UserError("--mqtt: '" + hostPort + "' is not HOST:PORT; give the broker's address, e.g."
                    + " 127.0.0.1:1883", UserError.USAGE, null);
        }
        String host = m.group(1).replaceAll("^\\[|]$", "");
        return MqttSettings.of(host, port, "edge-cascade-demo", DeliverySettings.defaults(outbox));
    }

    private Path assetsDir() {
        if (assets != null) {
            return assets;
        }
        String env = System.getenv("EDGE_CASCADE_ASSETS");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of("assets");
    }

    private int run(Path dir, Path eventFile, PrintWriter out) throws IOException {
        MotionSettings motion = MotionSettings.DEFAULTS.withEnabled(!noGate);
        CameraSettings camera = new CameraSettings("demo", dir.resolve(ModelCatalog.VIDEO).toString(), ui != null, motion,
                new DetectorSettings(0.4f, 0.45f, Set.of("person")));
        int threads = io.edgecascade.engines.EngineOptions.defaultThreads();
        AppConfig config = new AppConfig(new AppConfig.ModelConfig(dir.resolve(ModelCatalog.MODEL), "yolox",
                dir.resolve(ModelCatalog.LABELS)), EngineRegistry.AUTO, threads, eventFile, CascadeOptions.DEFAULTS,
                List.of(camera)).withUi(uiSettings());
        Path outboxDir = null;
        if (mqtt != null) {
            outboxDir = Files.createTempDirectory("edge-cascade-demo-outbox-");
            config = config.withSinks(new NotifyConfig(mqttSettings(mqtt, outboxDir.resolve("mqtt")), List.of()));
        }
        Path cloudDir = noCloud ? null : Files.createTempDirectory("edge-cascade-demo-cloud-");
        try {
            return run(config, camera, dir, cloudDir, eventFile, out);
        } finally {
            if (cloudDir != null) {
                deleteTree(cloudDir);
            }
            if (outboxDir != null) {
                deleteTree(outboxDir);
            }
        }
    }

    private int run(AppConfig plain, CameraSettings camera, Path dir, Path cloudDir, Path eventFile, PrintWriter out)
            throws IOException {
        AppConfig config = plain;
        Path results = null;
        if (cloudDir != null) {
            results = cloudDir.resolve("cloud-results.jsonl");
            CloudSettings d = CloudSettings.defaults(AppConfig.EMBEDDED, "yolox");
            CloudSettings cloud = new CloudSettings(AppConfig.EMBEDDED, "yolox", "", CloudSettings.InputMode.BINARY,
                    d.jpegQuality(), d.inflight(), d.deadline(), d.retries(), d.backoff(), d.maxBackoff(),
                    Duration.ofMinutes(5), results, null, null, null);
            config = plain.withCloud(cloud, SpoolDirectory.Settings.of(cloudDir.resolve("spool"), 1L << 30,
                    SpoolDirectory.Fsync.NEVER));
        }
        BestFrames bestFrames = Wiring.bestFrames(config);
        try (UiEndpoint page = UiEndpoint.create(config.ui(), config.cameras(), null, bestFrames)) {
            return run(config, camera, dir, results, eventFile, out, page, bestFrames);
        }
    }

    private int run(AppConfig config, CameraSettings camera, Path dir, Path results, Path eventFile, PrintWriter out,
            UiEndpoint page, BestFrames bestFrames) throws IOException {
        Wiring.Forwarding forwarding = Wiring.forwarding(config, List.of(), List.of(), bestFrames);
        Notifiers notifiers;
        try {
            notifiers = Notifiers.open(config, List.of(), VersionProvider.version(), bestFrames);
        } catch (RuntimeException e) {
            RunCommand.closeQuietly(forwarding);
            throw e;
        }
        Cascade cascade;
        try {
            List<FrameSink> sinks = new java.util.ArrayList<>(page.sinks());
            if (forwarding != null) {
                sinks.add(forwarding.uplink());
            }
            sinks.addAll(notifiers.sinks());
            List<io.edgecascade.cascade.api.PipelineObserver> observers = new java.util.ArrayList<>(page.observers());
            observers.addAll(notifiers.observers());
            cascade = Wiring.cascade(config, EngineRegistry.standard(), sinks, observers);
        } catch (RuntimeException e) {
            RunCommand.closeQuietly(forwarding);
            notifiers.closeUnused();
            throw e;
        }
        notifiers.attach(cascade);
        try {
            page.attach(cascade);
        } catch (RuntimeException e) {
            cascade.close();
            throw e;
        }
        if (page.port() > 0) {
            out.println("web page: http://" + (config.ui().host().contains(":") ? "[" + config.ui().host() + "]"
                    : config.ui().host()) + ":" + page.port() + "/");
        }
        out.println("edge-cascade demo: " + camera.source()
                + (forwarding == null ? ""
                        : " (each event's best frames forwarded to an embedded KServe v2 cloud server)"));
        if (config.sinks().mqtt() != null) {
            var m = config.sinks().mqtt();
            out.println("events also published to " + m.describe() + " under " + m.topicPrefix() + "/ (watch with:"
                    + " mosquitto_sub -h " + m.host() + " -p " + m.port() + " -t '" + m.topicPrefix() + "/#' -v)");
        }
        out.flush();
        RunSummary summary;
        try (CascadeRun signals = CascadeRun.handlingSignals(config.pipeline().shutdownTimeout())) {
            summary = signals.run(cascade, null);
        }
        if (forwarding != null) {
            summary = forwarding.addTo(summary, List.of(camera.id()));
        }
        if (cascade.failure() != null) {
            throw UserError.stopped(cascade.failure());
        }
        if (!cascade.failedCameras().isEmpty()) {
            throw new UserError("the sample video could not be read: " + summary.errors().get("demo"));
        }
        var counts = summary.cameras().get("demo");
        EventReport report;
        try {
            report = EventReport.read(eventFile);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.println();
        out.println("people seen (one event per tracked person: first - last sighting, duration, best score, zones):");
        for (EventReport.Event e : report.events()) {
            out.println("  " + e.describe());
        }
        out.println();
        out.println(String.format(Locale.ROOT,
                "%d frames decoded in %.2f s (%.0f frames/s) on %s; the motion gate sent %d frames (%.1f%%) to the"
                        + " detector; %d were positive; %d events%s.",
                counts.decoded(), summary.wallSeconds(), counts.decoded() / Math.max(1e-9, summary.wallSeconds()),
                summary.engine(), counts.detected(), 100.0 * counts.detected() / Math.max(1, counts.decoded()),
                counts.positive(), report.events().size(), summary.framesForwarded() == null ? ""
                        : "; " + summary.framesForwarded().getOrDefault("demo", 0L)
                                + " frames (the events' best) sent to the cloud"));
        if (results != null) {
            CloudResults.print(results, summary.forwarding(), Labels.read(dir.resolve(ModelCatalog.LABELS)), out);
        }
        if (events != null) {
            out.println("events: " + events.toAbsolutePath());
        }
        out.flush();
        return 0;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
