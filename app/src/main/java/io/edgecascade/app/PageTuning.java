package io.edgecascade.app;

import io.edgecascade.app.config.ConfigFileEditor;
import io.edgecascade.app.config.ConfigLoader;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.api.Tuner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tuning from the web page and from MQTT commands: checks the values with the config's own rules (so a bad value gets the message
 * {@code config validate} prints), applies them to the running cascade at once, and with {@code ui.persist} writes
 * them into the config file, changing only those values' lines ({@link ConfigFileEditor}).
 */
public final class PageTuning implements Tuner {

    private static final Logger LOG = LoggerFactory.getLogger(PageTuning.class);

    private final Cascade cascade;
    private final List<String> cameraIds;
    private final Path configFile;

    /** @param configFile where to save the values, or null not to */
    public PageTuning(Cascade cascade, List<String> cameraIds, Path configFile) {
        this.cascade = cascade;
        this.cameraIds = List.copyOf(cameraIds);
        this.configFile = configFile;
    }

    @Override
    public Result tune(String camera, Map<String, Object> values) {
        int index = cameraIds.indexOf(camera);
        if (index < 0) {
            return new Result(404, "no camera '" + camera + "'; cameras: " + String.join(", ", cameraIds));
        }
        if (values.isEmpty()) {
            return new Result(400, "nothing to change; send threshold, min_area, confidence and/or detect");
        }
        Map<String, Object> tunables = new java.util.LinkedHashMap<>(values);
        Boolean detect = null;
        if (tunables.containsKey("detect")) {
            detect = onOff(tunables.remove("detect"));
            if (detect == null) {
                return new Result(400, "cameras[" + index + "].detect: '" + values.get("detect") + "' is not on or"
                        + " off; send ON or OFF (true or false)");
            }
            if (tunables.isEmpty()) {
                boolean before = cascade.camera(camera).detector().enabled();
                cascade.detect(camera, detect);
                String change = before == detect ? "no change" : "detection " + (detect ? "on" : "off");
                if (before != detect) {
                    LOG.info("camera {}: detection switched {}", camera, detect ? "on" : "off");
                }
                return new Result(200, "camera " + camera + ": " + change + ", applied");
            }
        }
        values = tunables;
        List<String> problems = ConfigLoader.tuningProblems(index, values);
        if (!problems.isEmpty()) {
            return new Result(400, String.join("; ", problems));
        }
        Result r;
        synchronized (this) {
            CameraSettings c = cascade.camera(camera);
            Tunables before = Tunables.of(c);
            Integer threshold = values.containsKey("threshold") ? (int) number(values.get("threshold")) : null;
            Double minArea = values.containsKey("min_area") ? number(values.get("min_area")) : null;
            Double confidence = values.containsKey("confidence") ? number(values.get("confidence")) : null;
            Tunables after = new Tunables(threshold != null ? threshold : before.threshold(),
                    minArea != null ? minArea : before.minArea(),
                    confidence != null ? confidence.floatValue() : before.confidence());
            cascade.retune(camera, after.threshold(), after.minArea(), after.confidence());
            List<String> changes = new java.util.ArrayList<>(after.changesFrom(before));
            if (detect != null && detect != c.detector().enabled()) {
                cascade.detect(camera, detect);
                changes.add("detection " + (detect ? "on" : "off"));
            }
            changes.forEach(ch -> LOG.info("ui: camera {} {}", camera, ch));
            String applied = "camera " + camera + ": " + (changes.isEmpty() ? "no change" : String.join(", ",
                    changes)) + ", applied";
            if (configFile == null) {
                return new Result(200, applied);
            }
            try {
                save(camera, ConfigFileEditor.tunables(threshold, minArea, confidence));
                r = new Result(200, applied + " and saved to " + configFile);
            } catch (ConfigFileEditor.Unsupported | IOException e) {
                LOG.warn("ui: camera {}: tuning applied but not saved to {}: {}", camera, configFile, e.getMessage());
                r = new Result(200, applied + "; not saved to " + configFile + ": " + e.getMessage());
            }
        }
        return r;
    }

    /** true for on/true/yes, false for off/false/no (any case), null for anything else. */
    private static Boolean onOff(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (String.valueOf(v).trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true", "yes" -> Boolean.TRUE;
            case "off", "false", "no" -> Boolean.FALSE;
            default -> null;
        };
    }

    @Override
    public Map<String, Object> values(String camera) {
        CameraSettings c = cascade.camera(camera);
        if (c == null) {
            return Map.of();
        }
        Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("threshold", c.motion().threshold());
        v.put("min_area", c.motion().minArea());
        v.put("confidence", c.detector().confidence());
        v.put("detect", c.detector().enabled());
        return v;
    }

    private static double number(Object v) {
        return v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v).trim());
    }

    /** Rewrites the file through a temporary file beside it, so a crash never leaves half a config. */
    private void save(String camera, Map<String, Map<String, String>> values)
            throws IOException, ConfigFileEditor.Unsupported {
        String text = Files.readString(configFile, StandardCharsets.UTF_8);
        String edited = ConfigFileEditor.set(text, camera, values);
        if (edited.equals(text)) {
            return;
        }
        Path tmp = configFile.resolveSibling(configFile.getFileName() + ".tuning.tmp");
        Files.writeString(tmp, edited, StandardCharsets.UTF_8);
        Files.move(tmp, configFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
