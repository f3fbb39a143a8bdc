package io.edgecascade.app.cli;

import io.edgecascade.app.config.AppConfig;
import io.edgecascade.app.config.ConfigException;
import io.edgecascade.app.config.ConfigLoader;
import io.edgecascade.cascade.motion.Zone;
import io.edgecascade.cascade.tracking.TrackingSettings;
import io.edgecascade.cascade.pipeline.CameraAnalytics;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.CascadeOptions;
import io.edgecascade.cascade.pipeline.DetectEntry;
import io.edgecascade.cascade.pipeline.UseCaseSpec;
import io.edgecascade.cascade.source.FfmpegFrameSource;
import io.edgecascade.cascade.source.FrameSource;
import io.edgecascade.cascade.source.HardwareDecoders;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.source.SourceUri;
import io.edgecascade.engines.EngineRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code edge-cascade config validate FILE}. */
@Command(name = "config", description = "Work with config files.", mixinStandardHelpOptions = true,
        subcommands = {ConfigCommand.Validate.class})
final class ConfigCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Loads a config the way {@code run} would and prints {@code ok} or every problem. */
    static ConfigLoader loader() {
        return new ConfigLoader(System.getenv(), EngineRegistry.standard().names());
    }

    /** {@code TimeoutStopSec} of the packaged systemd unit ({@code packaging/deb/edge-cascade.service}). */
    static final long SERVICE_STOP_SECONDS = 30;
    /** What a stop needs besides {@code shutdown_timeout_s}: the stages' grace, the JVM's exit. */
    static final long STOP_MARGIN_SECONDS = 5;

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a config: prints 'ok', or every problem one per line and exits 2.")
    static final class Validate implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "The YAML config.")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            AppConfig config;
            List<String> warnings = new ArrayList<>();
            try {
                config = loader().load(file, warnings);
            } catch (ConfigException e) {
                for (String p : e.problems()) {
                    spec.commandLine().getErr().println(file + ": " + p);
                }
                return UserError.USAGE;
            }
            List<String> problems = new ArrayList<>();
            for (CameraSettings c : config.cameras()) {
                problems.addAll(polygonProblems(c));
            }
            if (!problems.isEmpty()) {
                problems.forEach(p -> spec.commandLine().getErr().println(file + ": " + p));
                return UserError.USAGE;
            }
            PrintWriter out = spec.commandLine().getOut();
            describeDetector(config, out);
            describePipeline(config, out, warnings);
            for (CameraSettings c : config.cameras()) {
                describe(c, out);
            }
            if (config.cloud() != null) {
                var cloud = config.cloud();
                out.println("cloud: model '" + cloud.model() + "' at " + cloud.url() + ", " + cloud.input().label()
                        + " input, " + cloud.mode().label() + " (up to " + cloud.inflight() + " in flight"
                        + (cloud.mode() == io.edgecascade.cascade.forward.CloudSettings.Mode.STREAM ? " per camera"
                                : ", one per camera") + ")");
                out.println(forwardingLine(config));
                String keepalive = keepaliveWarning(cloud);
                if (keepalive != null) {
                    warnings.add(keepalive);
                }
            }
            describeSinks(config, out);
            if (config.ui().enabled()) {
                List<String> notes = new ArrayList<>();
                if (config.ui().persist()) {
                    notes.add("tuning from the page is saved into " + file);
                }
                notes.addAll(describeAccess(config.ui().access()));
                out.println("web page: " + (config.ui().tls() ? "https://" : "http://") + config.ui() + "/"
                        + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")"));
            }
            if (config.cloud() != null || config.ui().enabled()
                    || io.edgecascade.app.Notifiers.keepBestFrames(config.sinks())) {
                var b = config.bestFrames();
                out.println("best frames: JPEG, up to " + b.maxTracks() + " live tracks per camera"
                        + " (events.max_tracks), " + (b.maxBytes() >> 20) + " MB for all cameras"
                        + " (events.best_frames_mb)");
            }
            if (config.record().events()) {
                var r = config.record();
                out.println("record: event clips in " + r.dir() + "; live cameras' clips in memory within "
                        + (r.maxMemoryBytes() >> 20) + " MB (record.max_memory_mb)");
            }
            if (config.metrics().enabled() && (config.metrics().access().tokenRequired()
                    || !config.metrics().access().allowedHosts().isEmpty())) {
                out.println("metrics: http://" + config.metrics() + "/metrics ("
                        + String.join("; ", describeAccess(config.metrics().access())) + ")");
            }
            // a config that works but exposes something: said on stderr, and still ok
            warnings.forEach(w -> spec.commandLine().getErr().println(file + ": warning: " + w));
            out.println("ok");
            return 0;
        }

        /** One line per MQTT broker and webhook: where, what passes the filter, the outbox; never a secret. */
        private static void describeSinks(AppConfig config, PrintWriter out) {
            var m = config.sinks().mqtt();
            if (m != null) {
                out.println("mqtt: " + m.describe() + (m.password() == null ? "" : " (password set)") + ", client id "
                        + m.clientId() + ", topics " + m.topicPrefix() + "/..., qos " + m.qos()
                        + (m.homeAssistant() ? ", Home Assistant discovery under " + m.discoveryPrefix() + "/" : "")
                        + ", stats every " + m.statsInterval().toSeconds() + " s; " + delivery(m.delivery()));
            }
            for (var w : config.sinks().webhooks()) {
                out.println("webhook " + w.name() + ": POST " + w.describe() + (w.headers().isEmpty() ? ""
                        : ", headers " + String.join(", ", w.headers().keySet())) + (w.secret() == null ? ""
                        : ", signed (X-Edge-Cascade-Signature)") + (w.snapshot() ? ", with snapshot" : "")
                        + ", timeout " + w.timeout().toMillis() + " ms; " + delivery(w.delivery()));
            }
        }

        private static String delivery(io.edgecascade.cascade.notify.DeliverySettings d) {
            var box = d.outbox();
            return "filter: " + d.filter().describe() + "; outbox " + box.dir() + " (up to " + (box.maxBytes() >> 20)
                    + " MB, fsync " + box.fsync().name().toLowerCase(java.util.Locale.ROOT) + "), a message is given up"
                    + " after " + (d.maxAttempts() == 0 ? "no number of" : String.valueOf(d.maxAttempts()))
                    + " failed attempts, dead letters " + box.deadLetterDir();
        }

        /** Whether a token is needed and which extra host names are answered to; never the token itself. */
        private static List<String> describeAccess(io.edgecascade.cascade.http.AccessRules access) {
            List<String> parts = new ArrayList<>();
            if (access.tokenRequired()) {
                parts.add("token required");
            }
            if (!access.allowedHosts().isEmpty()) {
                parts.add("also answers to " + String.join(", ", access.allowedHosts()));
            }
            return parts;
        }

        /** Keepalive, attempts, spool and dead-letter folders: where frames wait and where given-up ones go. */
        static String forwardingLine(AppConfig config) {
            var cloud = config.cloud();
            var spool = config.spool();
            return "forwarding: keepalive " + (cloud.keepalive().isZero() ? "off"
                    : cloud.keepalive().toSeconds() + " s") + ", a frame is given up after "
                    + (cloud.maxAttempts() == 0 ? "no number of" : String.valueOf(cloud.maxAttempts()))
                    + " failed attempts or at once when the server can never accept it; spool " + spool.dir()
                    + " (up to " + spool.maxBytes() + " bytes), dead letters " + spool.deadLetterDir() + " (up to "
                    + spool.deadLetterMaxBytes() + " bytes)";
        }

        /**
         * The line for a keepalive C-core servers (Triton, OVMS, Python grpcio) answer with GOAWAY too_many_pings on
         * an idle stream, or null.
         */
        static String keepaliveWarning(io.edgecascade.cascade.forward.CloudSettings cloud) {
            long s = cloud.keepalive().toSeconds();
            if (cloud.keepalive().isZero() || s >= 300) {
                return null;
            }
            return "cloud.keepalive_s " + s + " pings more often than the 300 s C-core gRPC servers (Triton, OVMS,"
                    + " Python grpcio) allow on a connection without data; they answer with GOAWAY too_many_pings"
                    + " and drop the connection. Keep it at 300 or more unless the server's"
                    + " grpc.http2.min_ping_interval_without_data_ms is lowered to match";
        }

        /**
         * A live camera's connection settings, a looped file, the decoder its {@code hwaccel} picks here, and the
         * sampling rules that are on.
         */
        private static List<String> describeStream(CameraSettings c) {
            List<String> parts = new ArrayList<>();
            var o = c.stream();
            boolean live;
            try {
                live = io.edgecascade.cascade.source.SourceUri.parse(c.source()).live();
            } catch (io.edgecascade.cascade.source.SourceException e) {
                live = false;
            }
            if (live) {
                parts.add(String.format(java.util.Locale.ROOT,
                        "live: rtsp_transport %s, stall_seconds %.1f, reconnect %d..%d ms%s", o.rtspTransport(),
                        o.stallMillis() / 1000.0, o.reconnectInitialMillis(), o.reconnectMaxMillis(),
                        o.inputOptions().isEmpty() ? "" : ", input_options " + o.inputOptions()));
            } else if (o.loop()) {
                parts.add("loop: replays the file forever");
            }
            parts.add("decoder: " + HardwareDecoders.choose(o.hwaccel(), o.hwaccelDevice()).summary());
            var sm = c.sampling();
            List<String> rules = new ArrayList<>();
            if (sm.everyN() > 1) {
                rules.add("every_n " + sm.everyN());
            }
            if (sm.maxFps() > 0) {
                rules.add("max_fps " + sm.maxFps());
            }
            if (sm.adaptive()) {
                rules.add("adaptive " + sm.adaptiveMinFps() + ".." + sm.adaptiveMaxFps() + " fps");
            }
            if (!rules.isEmpty()) {
                parts.add("sampling: " + String.join(", ", rules));
            }
            return parts;
        }

        /**
         * How often tracked objects are looked at again ({@code tracking.look_again_max_s}), when it is away from the
         * default; null otherwise.
         */
        private static String describeLooks(CameraSettings c) {
            long ms = c.tracking().lookAgainMaxMs();
            if (ms == Math.min(TrackingSettings.DEFAULT_LOOK_AGAIN_MAX_MS, c.tracking().maxAgeMs() / 2)) {
                return null;
            }
            if (ms == 0 || !c.motion().enabled()) {
                return "looks: every motion.min_interval_ms while motion goes on, tracked or not"
                        + (ms == 0 ? " (tracking.look_again_max_s 0)" : " (the motion gate is off)");
            }
            return String.format(java.util.Locale.ROOT, "looks: a tracked object that moves as predicted again"
                    + " within %.1f s, motion it explains skipped (tracking.look_again_max_s)", ms / 1000.0);
        }

        /** The detector's precision and workers, when the config sets them away from FP32 and auto. */
        private static void describeDetector(AppConfig config, PrintWriter out) {
            List<String> parts = new ArrayList<>();
            AppConfig.ModelConfig m = config.model();
            if (!"fp32".equals(m.precision())) {
                parts.add("model.precision " + m.precision() + " (calibrated on " + m.calibrationFrames()
                        + " frames of " + (AppConfig.ModelConfig.CAMERA.equals(m.calibration())
                                ? "camera " + config.cameras().get(0).id() : m.calibration())
                        + ", quantized on first start)");
            }
            if (config.detectorWorkers() != AppConfig.AUTO_WORKERS) {
                parts.add("pipeline.detector_workers " + config.detectorWorkers() + " x " + config.threads()
                        + " thread(s)");
            }
            int batch = config.pipeline().detectorBatch();
            if (batch != CascadeOptions.DEFAULT_BATCH) {
                parts.add("pipeline.batch " + batch + " (each worker runs the frames of up to " + batch + " cameras as"
                        + " one inference, on YOLOX models rewritten to batch " + batch + " on first start)");
            }
            if (!parts.isEmpty()) {
                out.println("detector: " + String.join("; ", parts));
            }
            if (config.models().size() > 1) {
                out.println("models: " + String.join(", ", config.models().stream().map(model -> model.name() + " ("
                        + model.type() + ", " + model.path().getFileName() + (model.engine() == null ? ""
                                : " on " + model.engine()) + ")").toList()));
            }
        }

        /** A camera's detect entries, filters, required zones and use cases, when it has more than the defaults. */
        private static List<String> describeAnalytics(CameraSettings c) {
            List<String> parts = new ArrayList<>();
            CameraAnalytics a = c.analytics();
            if (a.detect().size() > 1 || a.detect().stream().anyMatch(e -> e.cadence() != DetectEntry.Cadence.GATED
                    || !e.classes().isEmpty())) {
                parts.add("detect: " + String.join(", ", a.detect().stream().map(e -> e.name()
                        + (e.name().equals(e.model()) ? "" : " (model " + e.model() + ")")
                        + (e.secondary() ? " on the boxes of " + e.after() : "") + " " + e.cadence().describe()
                        + (e.classes().isEmpty() ? "" : " " + new java.util.TreeSet<>(e.classes()))).toList()));
            }
            if (!a.filters().byLabel().isEmpty()) {
                parts.add("filters: " + String.join(", ", new java.util.TreeSet<>(a.filters().byLabel().keySet())));
            }
            if (!a.requiredZones().isEmpty()) {
                parts.add("alerts once an object is in " + String.join(" or ", a.requiredZones()));
            }
            for (UseCaseSpec u : a.useCases()) {
                parts.add("use case " + u.name() + " (" + u.type() + ")");
            }
            return parts;
        }

        /**
         * The failure model's and the stop's settings when the config sets them away from the defaults, and a warning
         * when the stop's deadline does not fit inside the packaged service's stop timeout.
         */
        private static void describePipeline(AppConfig config, PrintWriter out, List<String> warnings) {
            CascadeOptions p = config.pipeline();
            if (p.errorBudget() != CascadeOptions.DEFAULT_ERROR_BUDGET
                    || !p.shutdownTimeout().equals(CascadeOptions.DEFAULT_SHUTDOWN_TIMEOUT)
                    || !p.stageTimeout().equals(CascadeOptions.DEFAULT_STAGE_TIMEOUT)
                    || p.sinkQueue() != CascadeOptions.DEFAULT_SINK_QUEUE
                    || p.sinkMemoryBytes() != CascadeOptions.DEFAULT_SINK_MEMORY_BYTES
                    || p.detectorMemoryBytes() != CascadeOptions.DEFAULT_DETECTOR_MEMORY_BYTES) {
                out.println("pipeline: error_budget " + p.errorBudget() + " failures in a row restart a stage's"
                        + " resource; shutdown_timeout_s " + p.shutdownTimeout().toSeconds() + " for the whole stop;"
                        + " stage_timeout_s " + p.stageTimeout().toSeconds() + " in one call stops the run;"
                        + " sink_queue " + p.sinkQueue() + " frames per sink; sink_memory_mb "
                        + (p.sinkMemoryBytes() >> 20) + " MB of pixels on their way to the sinks; detector_queue_mb "
                        + (p.detectorMemoryBytes() >> 20) + " MB of pixels waiting for the detectors");
            }
            if (p.shutdownTimeout().toSeconds() > SERVICE_STOP_SECONDS - STOP_MARGIN_SECONDS) {
                warnings.add("pipeline.shutdown_timeout_s " + p.shutdownTimeout().toSeconds() + " leaves less"
                        + " than " + STOP_MARGIN_SECONDS + " s of the packaged service's TimeoutStopSec ("
                        + SERVICE_STOP_SECONDS + " s): raise it (systemctl edit edge-cascade) and Docker's"
                        + " --stop-timeout (compose stop_grace_period) above the shutdown timeout, or the agent is"
                        + " killed before its stop ends");
            }
        }

        /** One line per camera with masks or zones: what they are, so a user sees how the config was read. */
        private static void describe(CameraSettings c, PrintWriter out) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < c.motion().mask().size(); i++) {
                parts.add("motion mask " + (i + 1) + ": " + c.motion().mask().get(i).describe());
            }
            for (Zone z : c.zones()) {
                parts.add("zone " + z.name() + ": " + z.polygon().describe());
            }
            parts.addAll(describeStream(c));
            String looks = describeLooks(c);
            if (looks != null) {
                parts.add(looks);
            }
            parts.addAll(describeAnalytics(c));
            if (!parts.isEmpty()) {
                out.println("camera " + c.id() + ": " + String.join("; ", parts));
            }
        }

        /**
         * Pixel polygons of a file camera checked against the video's frame size (read from its first frame);
         * a live camera's are checked when it delivers its first frame.
         */
        private static List<String> polygonProblems(CameraSettings c) {
            boolean pixels = c.motion().mask().stream().anyMatch(p -> !p.fractions())
                    || c.zones().stream().anyMatch(z -> !z.polygon().fractions());
            if (!pixels) {
                return List.of();
            }
            int width;
            int height;
            try {
                SourceUri uri = SourceUri.parse(c.source());
                if (uri.live()) {
                    return List.of();
                }
                try (FrameSource source = new FfmpegFrameSource(uri)) {
                    source.open();
                    FrameSource.Frame f = source.grab();
                    if (f == null) {
                        return List.of("cameras[" + c.id() + "].source: the video has no frame to check the polygons"
                                + " against");
                    }
                    width = f.image().cols();
                    height = f.image().rows();
                }
            } catch (SourceException e) {
                return List.of("cameras[" + c.id() + "].source: " + e.getMessage());
            }
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < c.motion().mask().size(); i++) {
                String p = c.motion().mask().get(i).problemFor(width, height);
                if (p != null) {
                    problems.add("cameras[" + c.id() + "].motion.mask[" + i + "]: " + p);
                }
            }
            for (Zone z : c.zones()) {
                String p = z.polygon().problemFor(width, height);
                if (p != null) {
                    problems.add("cameras[" + c.id() + "].zones." + z.name() + ": " + p);
                }
            }
            return problems;
        }
    }
}
