package io.edgecascade.cascade.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run did, written as the {@code --summary} JSON:
 * {@code {"wall_seconds", "model", "engine", "cameras": {id: {"frames_decoded", ...}}}}.
 */
public record RunSummary(double wallSeconds, String model, String engine, Map<String, CascadeStats.CameraCounts> cameras,
        Map<String, String> errors) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RunSummary {
        cameras = Map.copyOf(cameras);
        errors = Map.copyOf(errors);
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
            m.put("dropped", c.dropped());
            if (errors.containsKey(id)) {
                m.put("error", errors.get(id));
            }
            cams.put(id, m);
        });
        root.put("cameras", cams);
        return root;
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
