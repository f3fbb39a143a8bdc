package io.edgecascade.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Groups the positive frames of an event log into sightings: per camera, runs of positives whose gaps are at
 * most {@code maxGapMs}, each with its time span, best score and labels. What the demo prints.
 */
record Sightings(List<Sighting> list) {

    /** One continuous presence of the configured classes in front of a camera. */
    record Sighting(String camera, long startMs, long endMs, int frames, double bestScore, String labels) {
        String describe() {
            return String.format(Locale.ROOT, "%s  %s - %s  %-10s best score %.2f over %d frames", camera,
                    clock(startMs), clock(endMs), labels, bestScore, frames);
        }

        private static String clock(long ms) {
            return String.format(Locale.ROOT, "%02d:%04.1f", ms / 60_000, (ms % 60_000) / 1000.0);
        }
    }

    private static final class Open {
        final String camera;
        final long start;
        long end;
        int frames;
        double best;
        final TreeSet<String> labels = new TreeSet<>();

        Open(String camera, long start) {
            this.camera = camera;
            this.start = start;
            this.end = start;
        }

        Sighting close() {
            return new Sighting(camera, start, end, frames, best, String.join(",", labels));
        }
    }

    static Sightings read(Path events, long maxGapMs) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Sighting> out = new ArrayList<>();
        Map<String, Open> open = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(events)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode e = json.readTree(line);
                String camera = e.get("camera").asText();
                long pts = e.get("pts_ms").asLong();
                Open s = open.get(camera);
                if (s != null && pts - s.end > maxGapMs) {
                    out.add(s.close());
                    s = null;
                }
                if (s == null) {
                    s = new Open(camera, pts);
                    open.put(camera, s);
                }
                s.end = pts;
                s.frames++;
                for (JsonNode d : e.get("detections")) {
                    s.best = Math.max(s.best, d.get("score").asDouble());
                    s.labels.add(d.get("label").asText());
                }
            }
        }
        open.values().forEach(s -> out.add(s.close()));
        out.sort(Comparator.comparing(Sighting::camera).thenComparingLong(Sighting::startMs));
        return new Sightings(List.copyOf(out));
    }
}
