package io.edgecascade.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.detect.ObjectFilter;
import io.edgecascade.cascade.detect.ObjectFilters;
import io.edgecascade.cascade.detect.RegionMode;
import io.edgecascade.cascade.events.EventForwarding;
import io.edgecascade.cascade.forward.CloudSettings;
import io.edgecascade.cascade.http.AccessRules;
import io.edgecascade.cascade.metrics.MetricsSettings;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.motion.Polygon;
import io.edgecascade.cascade.motion.Zone;
import io.edgecascade.cascade.pipeline.CameraAnalytics;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.CascadeOptions;
import io.edgecascade.cascade.pipeline.DetectEntry;
import io.edgecascade.cascade.pipeline.DetectorSettings;
import io.edgecascade.cascade.pipeline.SamplingSettings;
import io.edgecascade.cascade.pipeline.UseCaseSpec;
import io.edgecascade.cascade.record.RecordSettings;
import io.edgecascade.cascade.source.HwAccel;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.source.SourceUri;
import io.edgecascade.cascade.source.StreamOptions;
import io.edgecascade.cascade.spool.SpoolDirectory;
import io.edgecascade.cascade.tracking.StationarySettings;
import io.edgecascade.cascade.tracking.TrackingSettings;
import io.edgecascade.cascade.ui.UiSettings;
import io.edgecascade.cascade.usecase.UseCaseRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a YAML config into an {@link AppConfig}: expands {@code ${VAR}}, merges {@code defaults} into every
 * camera, checks every key and range, and checks that the files it names exist. All problems are reported
 * at once. Relative paths are relative to the working directory.
 */
public final class ConfigLoader {

    private static final Pattern CAMERA_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, String> env;
    private final List<String> engines;

    /**
     * @param env     the environment for {@code ${VAR}}
     * @param engines engine names the build knows, for {@code engine:}
     */
    public ConfigLoader(Map<String, String> env, List<String> engines) {
        this.env = env;
        this.engines = List.copyOf(engines);
    }

    public AppConfig load(Path file) throws ConfigException {
        return load(file, new ArrayList<>());
    }

    /**
     * Loads {@code file}; what works but should be reconsidered (a page open to the network without a token)
     * is added to {@code warnings}, one line each, naming the key.
     */
    public AppConfig load(Path file, List<String> warnings) throws ConfigException {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(List.of("config file not found: " + file
                    + "; pass the path of a YAML config (examples in configs/)"));
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(List.of("cannot read config file " + file + ": " + e.getMessage()));
        }
        return parse(text, file.toString(), warnings);
    }

    public AppConfig parse(String yaml, String name) throws ConfigException {
        return parse(yaml, name, new ArrayList<>());
    }

    /** Parses {@code yaml}; warnings go to {@code warnings} (see {@link #load(Path, List)}). */
    public AppConfig parse(String yaml, String name, List<String> warnings) throws ConfigException {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new ConfigException(List.of(name + (loc == null ? "" : ":" + loc.getLineNr()) + ": not valid YAML ("
                    + e.getOriginalMessage().lines().findFirst().orElse("syntax error") + ")"));
        }
        Problems problems = new Problems();
        Section root = Section.root(tree, problems, new EnvExpander(env));
        AppConfig config = read(root, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.list());
        }
        warnings.addAll(problems.warnings());
        return config;
    }

    private AppConfig read(Section root, Problems problems) {
        List<ModelsConfig.Model> models = ModelsConfig.read(root, engines);
        List<String> labels = ModelsConfig.boxLabels(models);
        Section plugins = root.section("plugins");
        Path pluginsDir = Path.of(plugins.string("dir", AppConfig.DEFAULT_PLUGINS.toString()));
        if (plugins.has("dir") && !Files.isDirectory(pluginsDir)) {
            plugins.problem("dir", "not a folder: " + pluginsDir + "; create it and put the use-case plug-in jars"
                    + " in it, or leave plugins.dir out");
        }
        plugins.finish();
        UseCaseRegistry registry = UseCaseRegistry.forDir(pluginsDir);
        registry.problems().forEach(p -> plugins.warn("dir", p));

        String engine = root.choice("engine", "auto", engines);
        int threads = (int) root.integer("threads", io.edgecascade.engines.EngineOptions.defaultThreads(), 1, 256);
        Section engineOptions = root.section("engine_options");
        AppConfig.EngineSettings engineSettings = new AppConfig.EngineSettings(
                engineOptions.string("device", AppConfig.EngineSettings.DEFAULTS.device()),
                engineOptions.bool("fp16", AppConfig.EngineSettings.DEFAULTS.fp16()),
                engineOptions.bool("int8", AppConfig.EngineSettings.DEFAULTS.int8()),
                Path.of(engineOptions.string("cache_dir", AppConfig.EngineSettings.DEFAULTS.cacheDir().toString())));
        engineOptions.finish();

        Section events = root.section("events");
        String eventsPath = events.string("path", "events.jsonl");
        boolean frameLines = events.bool("frames", false);
        long updateIntervalMs = Math.round(1000 * events.number("update_interval_s",
                TrackingSettings.DEFAULTS.updateIntervalMs() / 1000.0, 0, 86_400, false));
        BestFrames.Settings bestFrames = readBestFrames(events);
        events.finish();

        Section pipeline = root.section("pipeline");
        CascadeOptions options = new CascadeOptions(
                (int) pipeline.integer("detector_queue", CascadeOptions.DEFAULTS.detectorQueue(), 1, 1024),
                (int) pipeline.integer("output_queue", CascadeOptions.DEFAULTS.outputQueue(), 1, 1024),
                Duration.ofSeconds(pipeline.integer("progress_interval_s",
                        CascadeOptions.DEFAULTS.progressInterval().toSeconds(), 0, 86400)),
                (int) pipeline.integer("error_budget", CascadeOptions.DEFAULT_ERROR_BUDGET, 1, 10_000),
                Duration.ofSeconds(pipeline.integer("shutdown_timeout_s",
                        CascadeOptions.DEFAULT_SHUTDOWN_TIMEOUT.toSeconds(), 1, 3600)),
                (int) pipeline.integer("sink_queue", CascadeOptions.DEFAULT_SINK_QUEUE, 1, 256),
                Duration.ofSeconds(pipeline.integer("stage_timeout_s",
                        CascadeOptions.DEFAULT_STAGE_TIMEOUT.toSeconds(), 1, 86400)),
                pipeline.integer("sink_memory_mb", CascadeOptions.DEFAULT_SINK_MEMORY_BYTES >> 20, 1, 65_536) << 20,
                pipeline.integer("detector_queue_mb", CascadeOptions.DEFAULT_DETECTOR_MEMORY_BYTES >> 20, 1, 65_536)
                        << 20,
                (int) pipeline.integer("batch", CascadeOptions.DEFAULT_BATCH, 1, CascadeOptions.MAX_BATCH));
        int detectorWorkers = readWorkers(pipeline);
        pipeline.finish();

        Section metricsSection = root.section("metrics");
        MetricsSettings metrics = readMetrics(metricsSection);
        metricsSection.finish();

        Section uiSection = root.section("ui");
        UiSettings ui = readUi(uiSection);
        uiSection.finish();

        Section recordSection = root.section("record");
        RecordSettings record = readRecord(recordSection);
        recordSection.finish();

        Section defaults = root.section("defaults");
        Section defaultMotion = defaults.section("motion");
        MotionSettings motionBase = readMotion(defaultMotion, MotionSettings.DEFAULTS);
        defaultMotion.finish();
        Section defaultDetector = defaults.section("detector");
        DetectorValues detectorBase = readDetector(defaultDetector,
                new DetectorValues(0.4, 0.45, List.of("person"), RegionMode.AUTO, Map.of(),
                        StationarySettings.DEFAULTS), labels);
        defaultDetector.finish();
        Section defaultTracking = defaults.section("tracking");
        TrackingSettings trackingBase = readTracking(defaultTracking, new TrackingSettings(
                TrackingSettings.DEFAULTS.minHits(), TrackingSettings.DEFAULTS.confirmScore(),
                TrackingSettings.DEFAULTS.maxAgeMs(), TrackingSettings.DEFAULTS.minIou(), updateIntervalMs));
        defaultTracking.finish();
        defaults.finish();

        List<CameraSettings> cameras = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        List<Section> cameraSections = root.sections("cameras");
        if (cameraSections.isEmpty()) {
            root.problem("cameras", "at least one camera is required, e.g. cameras: [{id: lobby, source: "
                    + "/videos/lobby.mp4}]");
        }
        for (Section c : cameraSections) {
            String id = c.requiredString("id", "give every camera a unique id such as lobby");
            if (id != null && !CAMERA_ID.matcher(id).matches()) {
                c.problem("id", "'" + id + "' is not a valid id; use letters, digits, '_', '-', '.' (up to 64)");
            } else if (id != null && !ids.add(id)) {
                c.problem("id", "'" + id + "' is used by two cameras; ids must be unique");
            }
            String source = c.requiredString("source", "set it to a video file, an rtsp:// URL or usb:0");
            boolean realtime = c.bool("realtime", false);
            Section m = c.section("motion");
            MotionSettings motion = readMotion(m, motionBase);
            m.finish();
            Section d = c.section("detector");
            DetectorValues detector = readDetector(d, detectorBase, labels);
            d.finish();
            Section t = c.section("tracking");
            TrackingSettings tracking = readTracking(t, trackingBase);
            t.finish();
            List<Zone> zones = Polygons.zones(c, "zones");
            StreamOptions stream = readStream(c);
            Section sampling = c.section("sampling");
            SamplingSettings samplingSettings = readSampling(sampling);
            sampling.finish();
            List<DetectEntry> entries = AnalyticsConfig.detect(c, models);
            Set<String> required = AnalyticsConfig.requiredZones(c, zones);
            List<UseCaseSpec> useCases = AnalyticsConfig.useCases(c, id, zones, labels, registry);
            c.finish();
            if (source != null) {
                checkSource(c, source);
            }
            if (problems.isEmpty()) {
                cameras.add(new CameraSettings(id, source, realtime, motion, detector.settings(), tracking, zones,
                        stream, samplingSettings, new CameraAnalytics(entries, new ObjectFilters(detector.filters()),
                                detector.stationary(), required, useCases)));
            }
        }
        EventForwarding.Mode[] forward = {EventForwarding.Mode.EVENTS};
        CloudSettings cloud = root.has("cloud") ? readCloud(root.section("cloud"), forward) : null;
        Section spoolSection = root.section("spool");
        SpoolDirectory.Settings spool = readSpool(spoolSection);
        spoolSection.finish();
        Set<String> zoneNames = new LinkedHashSet<>();
        cameras.forEach(c -> c.zones().forEach(z -> zoneNames.add(z.name())));
        NotifyConfig sinks = new SinkConfigReader(new SinkConfigReader.Known(new ArrayList<>(ids), zoneNames,
                labels), cloud == null ? null : spool.dir()).read(root);
        root.finish();
        if (!problems.isEmpty()) {
            return null;
        }
        return new AppConfig(models.stream().map(ModelsConfig.Model::config).toList(), engine, threads,
                Path.of(eventsPath), options, cameras, engineSettings, metrics, cloud, spool, forward[0], frameLines, ui,
                record, detectorWorkers, bestFrames, sinks, pluginsDir);
    }

    /** {@code events.max_tracks} and {@code events.best_frames_mb}: the bounds of the kept best frames. */
    static BestFrames.Settings readBestFrames(Section events) {
        BestFrames.Settings d = BestFrames.Settings.DEFAULTS;
        int maxTracks = (int) events.integer("max_tracks", d.maxTracks(), 1, 10_000);
        long mb = events.integer("best_frames_mb", d.maxBytes() >> 20, 1, 65_536);
        return new BestFrames.Settings(maxTracks, mb << 20);
    }

    /** {@code pipeline.detector_workers}: {@code auto} (measured at start-up) or 1..64 workers. */
    static int readWorkers(Section pipeline) {
        String s = pipeline.string("detector_workers", "auto");
        if (s == null || "auto".equals(s.trim())) {
            return AppConfig.AUTO_WORKERS;
        }
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 1 && n <= 64) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        pipeline.problem("detector_workers", "'" + s + "' is not allowed; use auto (measured at start-up) or a"
                + " whole number 1..64");
        return AppConfig.AUTO_WORKERS;
    }

    /** A camera's connection keys: rtsp_transport, input_options, stall_seconds, reconnect, loop, hwaccel. */
    private static StreamOptions readStream(Section c) {
        StreamOptions d = StreamOptions.DEFAULTS;
        String transport = c.choice("rtsp_transport", d.rtspTransport(), List.of("tcp", "udp"));
        Map<String, String> input = c.stringMap("input_options");
        double stall = c.number("stall_seconds", d.stallMillis() / 1000.0, 0, 3600, true);
        boolean loop = c.bool("loop", false);
        HwAccel hwaccel = readHwaccel(c);
        Section r = c.section("reconnect");
        long initial = r.integer("initial_ms", d.reconnectInitialMillis(), 1, 3_600_000);
        long max = r.integer("max_ms", d.reconnectMaxMillis(), 1, 3_600_000);
        if (max < initial) {
            r.problem("max_ms", max + " is below initial_ms " + initial + "; make it at least that");
            max = initial;
        }
        r.finish();
        return new StreamOptions(transport == null ? d.rtspTransport() : transport, input,
                Math.max(1, Math.round(stall * 1000)), initial, max, loop).withHwaccel(hwaccel,
                        readHwaccelDevice(c, hwaccel));
    }

    /** {@code hwaccel}: auto, none or one of FFmpeg's hardware decoders. */
    private static HwAccel readHwaccel(Section c) {
        String s = c.choice("hwaccel", HwAccel.AUTO.id(), Arrays.stream(HwAccel.values()).map(HwAccel::id).toList());
        return s == null ? HwAccel.AUTO : HwAccel.parse(s);
    }

    /**
     * {@code hwaccel_device}: the device a named hardware decoder opens: a render node for VA-API and Quick Sync, a
     * GPU index for CUDA. Null when not set (each decoder's default device) or wrong (a problem is reported).
     */
    private static String readHwaccelDevice(Section c, HwAccel accel) {
        String device = c.string("hwaccel_device", null);
        if (device == null) {
            return null;
        }
        String problem = switch (accel) {
            case AUTO, NONE -> "needs hwaccel set to the decoder it is for (vaapi, qsv or cuda); with hwaccel: "
                    + accel.id() + " remove it";
            case V4L2M2M -> "v4l2m2m finds its device itself; remove hwaccel_device";
            case CUDA -> device.matches("\\d{1,2}") ? null
                    : "'" + device + "' is not a GPU index; use the CUDA device number, e.g. 0";
            case VAAPI, QSV -> device.startsWith("/") ? null
                    : "'" + device + "' is not a device path; use a render node, e.g. /dev/dri/renderD128";
        };
        if (problem != null) {
            c.problem("hwaccel_device", problem);
            return null;
        }
        return device;
    }

    /** A camera's {@code sampling:} (every_n, max_fps, adaptive.min_fps/max_fps). */
    private static SamplingSettings readSampling(Section s) {
        int everyN = (int) s.integer("every_n", 1, 1, 10_000);
        double maxFps = s.number("max_fps", 0, 0, 1000, false);
        Section a = s.section("adaptive");
        double min = 0;
        double max = 0;
        if (s.has("adaptive")) {
            min = a.number("min_fps", 1, 0, 1000, true);
            max = a.number("max_fps", 10, 0, 1000, true);
            if (max < min) {
                a.problem("max_fps", max + " is below min_fps " + min + "; make it at least that");
                max = min;
            }
        }
        a.finish();
        return new SamplingSettings(everyN, maxFps, min, max);
    }

    /** Default bound of the spool folder: 1 GiB. */
    public static final long DEFAULT_SPOOL_BYTES = 1L << 30;

    static SpoolDirectory.Settings readSpool(Section s) {
        String dir = s.string("dir", "spool");
        long maxBytes = s.integer("max_bytes", DEFAULT_SPOOL_BYTES, 64 << 10, Long.MAX_VALUE / 4);
        String fsync = s.choice("fsync", "interval", List.of("always", "interval", "never"));
        Path spoolDir = Path.of(dir == null || dir.isBlank() ? "spool" : dir);
        String deadDir = s.string("dead_letter_dir", null);
        long deadBytes = s.integer("dead_letter_max_bytes", SpoolDirectory.Settings.DEFAULT_DEAD_LETTER_BYTES,
                64 << 10, Long.MAX_VALUE / 4);
        Path dead = deadDir == null || deadDir.isBlank() ? null : Path.of(deadDir);
        if (dead != null && dead.toAbsolutePath().normalize().equals(spoolDir.toAbsolutePath().normalize())) {
            s.problem("dead_letter_dir", "is the spool folder itself; give it a folder of its own (default: "
                    + SpoolDirectory.Settings.defaultDeadLetterDir(spoolDir) + ")");
            dead = null;
        }
        return SpoolDirectory.Settings.of(spoolDir, maxBytes,
                SpoolDirectory.Fsync.valueOf(fsync.toUpperCase(java.util.Locale.ROOT)))
                .withDeadLetters(dead, deadBytes);
    }

    private static CloudSettings readCloud(Section c, EventForwarding.Mode[] forward) {
        CloudSettings d = CloudSettings.defaults("embedded", "yolox");
        forward[0] = EventForwarding.Mode.parse(c.choice("forward", "events", EventForwarding.Mode.NAMES));
        String url = c.requiredString("url", "set it to the model server's host:port (grpc://, grpcs:// for TLS),"
                + " or to 'embedded' to run the reference server inside the agent");
        if (url != null && !AppConfig.EMBEDDED.equals(url)) {
            String target = url.replaceFirst("^[a-z]+://", "");
            if (!url.matches("^((grpc|grpcs|http|https)://)?[^/:\\s]+:[0-9]{1,5}/?$") || target.isEmpty()) {
                c.problem("url", "'" + url + "' is not a server address; use host:port, grpc://host:port,"
                        + " grpcs://host:port or embedded");
            }
        }
        String authority = readAuthority(c, url);
        String model = c.string("model", d.model());
        if (model == null || model.isBlank()) {
            c.problem("model", "is empty; set it to the model's name on the server");
        }
        String version = c.string("version", "");
        String input = c.choice("input", "binary", List.of("binary", "tensor"));
        int quality = (int) c.integer("jpeg_quality", d.jpegQuality(), 1, 100);
        int inflight = (int) c.integer("inflight", d.inflight(), 1, 1024);
        String mode = c.choice("mode", "unary", List.of("unary", "stream"));
        long deadline = c.integer("deadline_ms", d.deadline().toMillis(), 1, 3_600_000);
        int retries = (int) c.integer("retries", d.retries(), 0, 1000);
        long backoff = c.integer("backoff_ms", d.backoff().toMillis(), 1, 3_600_000);
        long maxBackoff = c.integer("max_backoff_ms", d.maxBackoff().toMillis(), 1, 3_600_000);
        if (maxBackoff < backoff) {
            c.problem("max_backoff_ms", maxBackoff + " is below backoff_ms " + backoff + "; make it at least that");
            maxBackoff = backoff;
        }
        long drain = c.integer("drain_seconds", d.drain().toSeconds(), 0, 86_400);
        long keepalive = c.integer("keepalive_s", d.keepalive().toSeconds(), 0, 86_400);
        if (keepalive > 0 && keepalive < CloudSettings.MIN_KEEPALIVE.toSeconds()) {
            c.problem("keepalive_s", keepalive + " is below " + CloudSettings.MIN_KEEPALIVE.toSeconds()
                    + " s, the shortest ping interval gRPC allows; use 0 (no pings) or at least "
                    + CloudSettings.MIN_KEEPALIVE.toSeconds() + " (default " + d.keepalive().toSeconds() + ")");
            keepalive = d.keepalive().toSeconds();
        }
        int maxAttempts = (int) c.integer("max_attempts", d.maxAttempts(), 0, 1_000_000);
        String results = c.string("results_path", "cloud-results.jsonl");
        Section tls = c.section("tls");
        String ca = tls.string("ca", null);
        String cert = tls.string("cert", null);
        String key = tls.string("key", null);
        checkFile(tls, "ca", ca, "point it at the CA certificate (PEM)");
        checkFile(tls, "cert", cert, "point it at the client certificate (PEM)");
        checkFile(tls, "key", key, "point it at the client's private key (PKCS#8 PEM)");
        if ((cert == null) != (key == null)) {
            tls.problem(cert == null ? "cert" : "key", "is missing; mutual TLS needs both cert and key");
            cert = null;
            key = null;
        }
        tls.finish();
        c.finish();
        if (url == null || model == null || model.isBlank()) {
            return null;
        }
        return new CloudSettings(url, model, version, CloudSettings.InputMode.valueOf(input.toUpperCase(
                java.util.Locale.ROOT)), quality, inflight, Duration.ofMillis(deadline), retries,
                Duration.ofMillis(backoff), Duration.ofMillis(maxBackoff), Duration.ofSeconds(drain),
                results == null || results.isBlank() ? null : Path.of(results),
                ca == null ? null : Path.of(ca), cert == null ? null : Path.of(cert), key == null ? null : Path.of(key))
                .withMode(CloudSettings.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)))
                .withKeepalive(Duration.ofSeconds(keepalive)).withMaxAttempts(maxAttempts)
                .withAuthority(authority);
    }

    /** A DNS label; {@link #AUTHORITY} is labels joined by dots, or a bracketed IPv6 address, then a port. */
    private static final String LABEL = "[A-Za-z0-9](?:[-A-Za-z0-9]*[A-Za-z0-9])?";
    private static final java.util.regex.Pattern AUTHORITY = java.util.regex.Pattern.compile(
            "(?:\\[[0-9A-Fa-f:.]+]|" + LABEL + "(?:\\." + LABEL + ")*)(?::([0-9]{1,5}))?");

    /**
     * {@code cloud.authority}: the {@code Host}/{@code :authority} a KServe ingress routes on
     * ({@code NAME.NAMESPACE.example.com}), a host name or address with an optional port, nothing else.
     */
    private static String readAuthority(Section c, String url) {
        String authority = c.string("authority", null);
        if (authority == null || authority.isBlank()) {
            return null;
        }
        authority = authority.trim();
        if (AppConfig.EMBEDDED.equals(url)) {
            c.problem("authority", "applies to a remote server only; remove it, or set url to the server's address");
            return null;
        }
        java.util.regex.Matcher m = AUTHORITY.matcher(authority);
        if (!m.matches() || m.group(1) != null && Integer.parseInt(m.group(1)) > 65535) {
            c.problem("authority", "'" + authority + "' is not a host name with an optional port; use the name the"
                    + " ingress routes on, e.g. yolox.models.example.com (no scheme, path or user)");
            return null;
        }
        return authority;
    }

    private static MetricsSettings readMetrics(Section s) {
        String listen = s.string("listen", MetricsSettings.DEFAULT.toString());
        MetricsSettings settings;
        try {
            settings = listen == null ? MetricsSettings.DEFAULT : MetricsSettings.parse(listen);
        } catch (IllegalArgumentException e) {
            s.problem("listen", e.getMessage());
            settings = MetricsSettings.DEFAULT;
        }
        AccessRules access = Access.read(s, "EDGE_METRICS_TOKEN");
        if (settings.enabled() && !access.tokenRequired() && !Access.loopback(settings.host())) {
            s.warn("listen", settings + " is reachable from the network and no metrics.token is set: anyone who"
                    + " reaches the port reads the metrics (camera names, rates, errors); set metrics.token:"
                    + " ${EDGE_METRICS_TOKEN} and give Prometheus the token, or firewall the port");
        }
        return settings.withAccess(access);
    }

    /** {@code record:}; off unless {@code events: true}. */
    private static RecordSettings readRecord(Section s) {
        RecordSettings d = RecordSettings.OFF;
        boolean events = s.bool("events", false);
        double pre = s.number("pre_s", d.preS(), 0, 600, false);
        double post = s.number("post_s", d.postS(), 0, 600, false);
        String dir = s.string("dir", d.dir().toString());
        int retain = (int) s.integer("retain_days", d.retainDays(), 0, 36_500);
        long maxBytes = s.integer("max_bytes", d.maxBytes(), 1 << 20, Long.MAX_VALUE / 4);
        long memoryMb = s.integer("max_memory_mb", d.maxMemoryBytes() >> 20, 1, 65_536);
        return new RecordSettings(events, pre, post, Path.of(dir == null || dir.isBlank() ? "recordings" : dir),
                retain, maxBytes, memoryMb << 20);
    }

    /** {@code ui:}; off unless {@code listen} is set. */
    private static UiSettings readUi(Section s) {
        String listen = s.string("listen", "0");
        boolean persist = s.bool("persist", false);
        int fps = (int) s.integer("preview_fps", UiSettings.DEFAULT_FPS, 1, 30);
        int width = (int) s.integer("preview_width", UiSettings.DEFAULT_WIDTH, 64, 3840);
        MetricsSettings address;
        try {
            address = MetricsSettings.parse(listen == null ? "0" : listen);
        } catch (IllegalArgumentException e) {
            s.problem("listen", e.getMessage().replace("127.0.0.1:9108", "127.0.0.1:8090")
                    .replace("0.0.0.0:9108", "0.0.0.0:8090").replace("the endpoint off", "the page off"));
            address = MetricsSettings.DISABLED;
        }
        AccessRules access = Access.read(s, "EDGE_UI_TOKEN");
        Path[] tls = Access.readTls(s);
        UiSettings ui = new UiSettings(address.enabled(), address.host(), address.port(), persist, fps, width,
                access, tls[0], tls[1]);
        if (ui.enabled() && !Access.loopback(ui.host())) {
            if (!access.tokenRequired()) {
                s.warn("listen", ui + " is reachable from the network and no ui.token is set: anyone who reaches"
                        + " the port watches the cameras and changes their tuning; set ui.token: ${EDGE_UI_TOKEN}"
                        + " (README: exposing the page on a LAN)");
            } else if (!ui.tls()) {
                s.warn("token", "travels in clear text: the page is served over plain HTTP on " + ui
                        + "; set ui.tls_cert and ui.tls_key, or reach the page through a VPN or SSH tunnel");
            }
        }
        return ui;
    }

    /**
     * Checks tuning values sent from the web page for camera number {@code index} ({@code cameras[index]}) with
     * the rules of the config file, so the page gets the message {@code config validate} would print.
     *
     * @param values {@code threshold}, {@code min_area}, {@code confidence} (any subset; other keys are problems)
     * @return the problems, one line each; empty when the values are good
     */
    public static List<String> tuningProblems(int index, Map<String, Object> values) {
        com.fasterxml.jackson.databind.node.ObjectNode camera = YAML.createObjectNode();
        com.fasterxml.jackson.databind.node.ObjectNode motion = camera.putObject("motion");
        com.fasterxml.jackson.databind.node.ObjectNode detector = camera.putObject("detector");
        Problems problems = new Problems();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            com.fasterxml.jackson.databind.JsonNode v = YAML.valueToTree(e.getValue());
            switch (e.getKey()) {
                case "threshold", "min_area" -> motion.set(e.getKey(), v);
                case "confidence" -> detector.set(e.getKey(), v);
                default -> problems.add("cameras[" + index + "]." + e.getKey(), "cannot be tuned from the page;"
                        + " the page tunes threshold, min_area and confidence");
            }
        }
        Section c = Section.root(YAML.createObjectNode().set("cameras", YAML.createArrayNode().add(camera)), problems,
                new EnvExpander(Map.of()));
        // Section paths count from the list start: renumber to the camera's place in the file
        List<Section> cams = c.sections("cameras");
        Section m = cams.get(0).section("motion");
        m.integer("threshold", MotionSettings.DEFAULTS.threshold(), 1, 255);
        m.number("min_area", MotionSettings.DEFAULTS.minArea(), 0, 1, false);
        cams.get(0).section("detector").number("confidence", 0.4, 0, 1, false);
        List<String> out = new ArrayList<>();
        for (String p : problems.list()) {
            out.add(p.replaceFirst("^cameras\\[0\\]", "cameras[" + index + "]"));
        }
        return out;
    }

    private static MotionSettings readMotion(Section s, MotionSettings base) {
        boolean enabled = s.bool("enabled", base.enabled());
        int threshold = (int) s.integer("threshold", base.threshold(), 1, 255);
        double minArea = s.number("min_area", base.minArea(), 0, 1, false);
        int cooldown = (int) s.integer("cooldown_frames", base.cooldownFrames(), 0, 100_000);
        long minInterval = s.integer("min_interval_ms", base.minIntervalMs(), 0, 3_600_000);
        int height = (int) s.integer("frame_height", base.frameHeight(), 16, 2160);
        double alpha = s.number("background_alpha", base.backgroundAlpha(), 0, 1, true);
        double recalibrate = s.number("recalibrate_area", base.recalibrateArea(), 0, 1, true);
        List<Polygon> mask = Polygons.mask(s, "mask", base.mask());
        return new MotionSettings(enabled, threshold, minArea, cooldown, minInterval, height, alpha, recalibrate,
                mask);
    }

    private static TrackingSettings readTracking(Section s, TrackingSettings base) {
        int minHits = (int) s.integer("min_hits", base.minHits(), 1, 100);
        double confirm = s.number("confirm_score", base.confirmScore(), 0, 1, false);
        long maxAge = Math.round(1000 * s.number("max_age_s", base.maxAgeMs() / 1000.0, 0, 3600, false));
        double minIou = s.number("min_iou", base.minIou(), 0, 1, true);
        // a tracked object must get another look (and a spare one) before max_age_s ends it
        long lookAgain = Math.min(base.lookAgainMaxMs(), maxAge / 2);
        if (s.has("look_again_max_s")) {
            lookAgain = Math.round(1000 * s.number("look_again_max_s", lookAgain / 1000.0, 0, 1800, false));
            if (lookAgain > maxAge / 2) {
                s.problem("look_again_max_s", String.format(java.util.Locale.ROOT, "%s s is more than half of"
                        + " tracking.max_age_s (%s s): an object must be looked at again before its event ends; use"
                        + " at most %s, or 0 to look every motion.min_interval_ms", seconds(lookAgain),
                        seconds(maxAge), seconds(maxAge / 2)));
                lookAgain = maxAge / 2;
            }
        }
        return new TrackingSettings(minHits, confirm, maxAge, minIou, base.updateIntervalMs(), lookAgain);
    }

    private static String seconds(long ms) {
        return java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
    }

    /** Detector values before they become settings, so defaults can carry classes unchecked by labels. */
    private record DetectorValues(double confidence, double nmsIou, List<String> classes, RegionMode regions,
            Map<String, ObjectFilter> filters, StationarySettings stationary) {
        DetectorSettings settings() {
            return new DetectorSettings((float) confidence, (float) nmsIou, new LinkedHashSet<>(classes), regions);
        }
    }

    private static DetectorValues readDetector(Section s, DetectorValues base, List<String> labels) {
        double confidence = s.number("confidence", base.confidence(), 0, 1, false);
        double nms = s.number("nms_iou", base.nmsIou(), 0, 1, true);
        List<String> classes = s.strings("classes", base.classes());
        if (s.has("classes")) {
            if (classes.isEmpty()) {
                s.problem("classes", "is empty; list the labels that make a frame positive, e.g. [person]");
            }
            if (labels != null) {
                for (String c : classes) {
                    if (!labels.contains(c)) {
                        s.problem("classes", "'" + c + "' is not a label of the model; labels include "
                                + String.join(", ", labels.subList(0, Math.min(8, labels.size())))
                                + (labels.size() > 8 ? ", ..." : ""));
                    }
                }
            }
        }
        // YAML 1.1 reads an unquoted off as false: regions: off must mean what it says.
        boolean off = s.has("regions") && "false".equals(s.string("regions", null));
        String regions = off ? "off" : s.choice("regions", base.regions().name().toLowerCase(java.util.Locale.ROOT),
                RegionMode.NAMES);
        Map<String, ObjectFilter> filters = AnalyticsConfig.filters(s, base.filters(), labels);
        StationarySettings stationary = AnalyticsConfig.stationary(s, base.stationary());
        return new DetectorValues(confidence, nms, classes, regions == null ? base.regions() : RegionMode.parse(regions),
                filters, stationary);
    }

    static void checkFile(Section s, String key, String path, String fix) {
        if (path == null) {
            return;
        }
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            s.problem(key, "file not found: " + path + "; " + fix);
        } else if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            s.problem(key, "not a readable file: " + path + "; check the path and its permissions");
        }
    }

    private static void checkSource(Section camera, String source) {
        try {
            SourceUri uri = SourceUri.parse(source);
            if (!uri.live()) {
                checkFile(camera, "source", uri.location(), "fix the path of the video file");
            }
        } catch (SourceException e) {
            camera.problem("source", e.getMessage());
        }
    }
}
