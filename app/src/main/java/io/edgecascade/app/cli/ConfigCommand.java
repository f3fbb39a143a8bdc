package io.edgecascade.app.cli;

import io.edgecascade.app.config.ConfigException;
import io.edgecascade.app.config.ConfigLoader;
import io.edgecascade.engines.EngineRegistry;
import io.edgecascade.app.config.AppConfig;
import io.edgecascade.cascade.motion.Zone;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.source.FfmpegFrameSource;
import io.edgecascade.cascade.source.FrameSource;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.source.SourceUri;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

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
            try {
                config = loader().load(file);
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
            for (CameraSettings c : config.cameras()) {
                describe(c, out);
            }
            if (config.cloud() != null) {
                var cloud = config.cloud();
                out.println("cloud: model '" + cloud.model() + "' at " + cloud.url() + ", " + cloud.input().label()
                        + " input, " + cloud.mode().label() + " (up to " + cloud.inflight() + " in flight"
                        + (cloud.mode() == io.edgecascade.cascade.forward.CloudSettings.Mode.STREAM ? " per camera"
                                : ", one per camera") + ")");
            }
            if (config.ui().enabled()) {
                out.println("web page: http://" + config.ui() + "/" + (config.ui().persist()
                        ? " (tuning from the page is saved into " + file + ")" : ""));
            }
            if (config.cloud() != null || config.ui().enabled()) {
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
            out.println("ok");
            return 0;
        }

        /** A live camera's connection settings, a looped file, and the sampling rules that are on. */
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
            if (!parts.isEmpty()) {
                out.println("detector: " + String.join("; ", parts));
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
