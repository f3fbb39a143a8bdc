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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The events of an events file, one per tracked object: when it was first and last seen, its best score and the
 * zones it entered. What the demo prints. Lines other than {@code start}/{@code update}/{@code end} (frame lines)
 * are skipped; an event without its end line (the run was killed) is reported as open.
 */
record EventReport(List<Event> events) {

    /** One tracked object. */
    record Event(String camera, String eventId, String label, long startMs, long endMs, double bestScore,
            Set<String> zones, boolean ended) {
        String describe() {
            return String.format(Locale.ROOT, "%s  %s - %s  %-8s %5.1f s  best score %.2f  zones: %s%s", camera,
                    clock(startMs), clock(endMs), label, (endMs - startMs) / 1000.0, bestScore,
                    zones.isEmpty() ? "-" : String.join(",", zones), ended ? "" : "  (still open)");
        }

        private static String clock(long ms) {
            return String.format(Locale.ROOT, "%02d:%04.1f", ms / 60_000, (ms % 60_000) / 1000.0);
        }
    }

    private static final class Open {
        String camera;
        String label;
        long start;
        long end;
        double best;
        final Set<String> zones = new LinkedHashSet<>();
        boolean ended;
    }

    static EventReport read(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, Open> byId = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode e = json.readTree(line);
                String type = e.path("type").asText();
                if (!type.equals("start") && !type.equals("update") && !type.equals("end")) {
                    continue;
                }
                Open o = byId.computeIfAbsent(e.get("event_id").asText(), k -> new Open());
                o.camera = e.get("camera").asText();
                o.label = e.get("label").asText();
                o.start = e.get("start_pts_ms").asLong();
                o.end = Math.max(o.end, type.equals("end") ? o.start + Math.round(1000 * e.get("duration_s")
                        .asDouble()) : e.get("pts_ms").asLong());
                o.best = Math.max(o.best, e.get("score").asDouble());
                e.get("zones").forEach(z -> o.zones.add(z.asText()));
                o.ended |= type.equals("end");
            }
        }
        List<Event> out = new ArrayList<>();
        byId.forEach((id, o) -> out.add(new Event(o.camera, id, o.label, o.start, o.end, o.best, Set.copyOf(o.zones),
                o.ended)));
        out.sort(Comparator.comparing(Event::camera).thenComparingLong(Event::startMs));
        return new EventReport(List.copyOf(out));
    }
}
