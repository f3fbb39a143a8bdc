package io.edgecascade.cascade.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run did, written as the {@code --summary} JSON:
 * {@code {"wall_seconds", "model", "engine", "cameras": {id: {"frames_decoded", ..., "looks": {"per_second",
 * "stream_seconds", "skipped": {reason: count}}, "models": {entry: {"runs"}},
 * "use_cases": {name: {key: count}}}}}}, and {@code "fatal": {"stage", "error"}} when a fatal failure stopped the run.
 */
public record RunSummary(double wallSeconds, String model, String engine, Map<String, CascadeStats.CameraCounts> cameras,
        Map<String, String> errors, Forwarding forwarding, Map<String, Long> events, Map<String, Long> framesForwarded,
        StageFailure fatal, Map<String, Map<String, Long>> sinkCounts, Map<String, Map<String, Long>> models,
        Map<String, Map<String, Map<String, Long>>> useCases) {

    /**
     * One camera's forwarding outcome.
     *
     * @param forwarded     acknowledged by the cloud
     * @param spooled       had to wait in the spool (cloud down or slow, window full)
     * @param spoolEvicted  evicted from the full spool without being sent
     * @param forwardErrors failed requests (retried) and positives that could not be stored
     * @param deadLettered  given up and moved to the dead-letter folder
     * @param spoolStoreFailed could not be stored in the spool (a full disk): lost, and counted here
     */
    public record ForwardCounts(long forwarded, long spooled, long spoolEvicted, long forwardErrors,
            long deadLettered, long spoolStoreFailed) {
        public static final ForwardCounts NONE = new ForwardCounts(0, 0, 0, 0, 0, 0);
    }

    /**
     * What the forwarder did in the run.
     *
     * @param cameras     counts per camera
     * @param spoolBytes  bytes left in the spool at exit
     * @param spoolFrames positives left in the spool at exit
     * @param timingMillis medians of the forwarder's steps (accept_p50, encode_p50, round_trip_p50); null = none
     */
    public record Forwarding(Map<String, ForwardCounts> cameras, long spoolBytes, long spoolFrames,
            Map<String, Double> timingMillis) {
        public Forwarding {
            cameras = Map.copyOf(cameras);
            timingMillis = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(timingMillis));
        }
    }

    /** A summary without forwarding. */
    public RunSummary(double wallSeconds, String model, String engine, Map<String, CascadeStats.CameraCounts> cameras,
            Map<String, String> errors) {
        this(wallSeconds, model, engine, cameras, errors, null);
    }

    /** A summary without event counts. */
    public RunSummary(double wallSeconds, String model, String engine, Map<String, CascadeStats.CameraCounts> cameras,
            Map<String, String> errors, Forwarding forwarding) {
        this(wallSeconds, model, engine, cameras, errors, forwarding, Map.of(), null, null, Map.of(), Map.of(), Map.of());
    }

    /**
     * This summary with the runs of each camera's detect entries ({@code cameras.<id>.models.<name>.runs}): camera
     * id -> entry -> runs.
     */
    public RunSummary withModels(Map<String, Map<String, Long>> runs) {
        return new RunSummary(wallSeconds, model, engine, cameras, errors, forwarding, events, framesForwarded, fatal,
                sinkCounts, runs, useCases);
    }

    /** This summary with the counts of each camera's use cases ({@code cameras.<id>.use_cases.<name>.<key>}). */
    public RunSummary withUseCases(Map<String, Map<String, Map<String, Long>>> counts) {
        return new RunSummary(wallSeconds, model, engine, cameras, errors, forwarding, events, framesForwarded, fatal,
                sinkCounts, models, counts);
    }

    /** This summary with the forwarder's outcome added. */
    public RunSummary withForwarding(Forwarding f) {
        return new RunSummary(wallSeconds, model, engine, cameras, errors, f, events, framesForwarded, fatal, sinkCounts,
                models, useCases);
    }

    /** This summary with the events started per camera. */
    public RunSummary withEvents(Map<String, Long> started) {
        return new RunSummary(wallSeconds, model, engine, cameras, errors, forwarding, started, framesForwarded, fatal,
                sinkCounts, models, useCases);
    }

    /** This summary with the frames handed to the forwarder per camera ({@code cloud.forward} chose them). */
    public RunSummary withFramesForwarded(Map<String, Long> frames) {
        return new RunSummary(wallSeconds, model, engine, cameras, errors, forwarding, events, frames, fatal, sinkCounts,
                models, useCases);
    }

    /** This summary with the fatal failure that stopped the run (null: none). */
    public RunSummary withFatal(StageFailure f) {
        return new RunSummary(wallSeconds, model, engine, cameras, errors, forwarding, events, framesForwarded, f,
                sinkCounts, models, useCases);
    }

    /**
     * This summary with a sink's count per camera added under {@code key} (e.g. {@code best_frames_dropped}): what a
     * sink gave up to stay within its bounds.
     */
    public RunSummary withCameraCounts(String key, Map<String, Long> perCamera) {
        Map<String, Map<String, Long>> all = new LinkedHashMap<>(sinkCounts);
        all.put(key, Map.copyOf(perCamera));
        return new RunSummary(wallSeconds, model, engine, cameras, errors, forwarding, events, framesForwarded, fatal,
                all, models, useCases);
    }


    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RunSummary {
        cameras = Map.copyOf(cameras);
        errors = Map.copyOf(errors);
        events = Map.copyOf(events);
        framesForwarded = framesForwarded == null ? null : Map.copyOf(framesForwarded);
        sinkCounts = ordered(sinkCounts);
        models = ordered(models);
        Map<String, Map<String, Map<String, Long>>> counts = new LinkedHashMap<>();
        useCases.forEach((id, m) -> counts.put(id, ordered(m)));
        useCases = java.util.Collections.unmodifiableMap(counts);
    }

    private static <V> Map<String, V> ordered(Map<String, V> m) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** The JSON document, keys in a stable order. */
    public Map<String, Object> toJsonTree() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("wall_seconds", Math.round(wallSeconds * 1000) / 1000.0);
        root.put("model", model);
        root.put("engine", engine);
        Map<String, Object> cams = new LinkedHashMap<>();
        cameras.keySet().stream().sorted().forEach(id -> {
            CascadeStats.CameraCounts c = cameras.get(id);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("frames_decoded", c.decoded());
            m.put("frames_motion", c.motion());
            m.put("frames_detected", c.detected());
            m.put("frames_positive", c.positive());
            m.put("decode_errors", c.decodeErrors());
            m.put("detector_errors", c.detectorErrors());
            m.put("dropped", c.dropped());
            m.put("events", events.getOrDefault(id, 0L));
            m.put("looks", looks(c));
            if (c.state() != null) { // live and looped cameras: their connection's health
                m.put("state", c.state());
                m.put("reconnects", c.reconnects());
                m.put("stalls", c.stalls());
                m.put("last_error", c.lastError());
            }
            if (framesForwarded != null) {
                m.put("frames_forwarded", framesForwarded.getOrDefault(id, 0L));
            }
            if (forwarding != null) {
                ForwardCounts f = forwarding.cameras().getOrDefault(id, ForwardCounts.NONE);
                m.put("forwarded", f.forwarded());
                m.put("spooled", f.spooled());
                m.put("spool_evicted", f.spoolEvicted());
                m.put("forward_errors", f.forwardErrors());
                m.put("dead_lettered", f.deadLettered());
                m.put("spool_store_failed", f.spoolStoreFailed());
            }
            sinkCounts.forEach((key, perCamera) -> m.put(key, perCamera.getOrDefault(id, 0L)));
            Map<String, Object> runs = new LinkedHashMap<>();
            models.getOrDefault(id, Map.of()).forEach((entry, n) -> runs.put(entry, Map.of("runs", n)));
            if (!runs.isEmpty()) {
                m.put("models", runs);
            }
            Map<String, Map<String, Long>> counted = useCases.getOrDefault(id, Map.of());
            if (!counted.isEmpty()) {
                m.put("use_cases", counted);
            }
            if (errors.containsKey(id)) {
                m.put("error", errors.get(id));
            }
            cams.put(id, m);
        });
        root.put("cameras", cams);
        if (fatal != null) {
            root.put("fatal", fatal.toJson());
        }
        if (forwarding != null) {
            root.put("spool_bytes", forwarding.spoolBytes());
            root.put("spool_frames", forwarding.spoolFrames());
            root.put("forward_timing_ms", forwarding.timingMillis());
        }
        return root;
    }

    /**
     * The detector's looks at a camera: per second of its stream time, and those the tracked objects made unnecessary
     * (or narrowed to new motion), by reason.
     */
    private static Map<String, Object> looks(CascadeStats.CameraCounts c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("per_second", Math.round(c.looksPerSecond() * 1000) / 1000.0);
        m.put("stream_seconds", Math.round(c.streamMs() / 100.0) / 10.0);
        Map<String, Long> skipped = new LinkedHashMap<>();
        for (io.edgecascade.cascade.api.LookSkip w : io.edgecascade.cascade.api.LookSkip.values()) {
            skipped.put(w.label(), c.looksSkipped(w));
        }
        m.put("skipped", skipped);
        return m;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(toJsonTree());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            java.nio.file.Files.createDirectories(parent);
        }
        java.nio.file.Files.writeString(file, toJson() + System.lineSeparator());
    }
}
