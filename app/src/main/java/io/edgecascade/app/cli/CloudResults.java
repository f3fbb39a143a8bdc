package io.edgecascade.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.forward.Forwarder;
import io.edgecascade.cascade.pipeline.RunSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Prints what the cloud answered (the {@code cloud.results_path} lines) for the demo. */
final class CloudResults {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CloudResults() {
    }

    static void print(Path results, RunSummary.Forwarding forwarding, List<String> labels, PrintWriter out)
            throws IOException {
        List<String> lines = Files.exists(results) ? Files.readAllLines(results) : List.of();
        Map<String, Integer> perLabel = new TreeMap<>();
        int objects = 0;
        JsonNode example = null;
        for (String line : lines) {
            JsonNode n = JSON.readTree(line);
            JsonNode ids = n.path("outputs").path("class_ids").path("data");
            for (JsonNode id : ids) {
                int c = id.asInt();
                perLabel.merge(c >= 0 && c < labels.size() ? labels.get(c) : "class " + c, 1, Integer::sum);
                objects++;
            }
            if (example == null || ids.size() > example.path("outputs").path("class_ids").path("data").size()) {
                example = n;
            }
        }
        out.println();
        long forwarded = forwarding == null ? 0
                : forwarding.cameras().values().stream().mapToLong(RunSummary.ForwardCounts::forwarded).sum();
        out.println(String.format(Locale.ROOT, "cloud (embedded KServe v2 server, model yolox): %d frames"
                + " forwarded and answered, %d left in the spool; the cloud model found %d objects%s", forwarded,
                forwarding == null ? 0 : forwarding.spoolFrames(), objects, perLabel.isEmpty() ? "" : " " + perLabel));
        if (example != null) {
            out.println("  busiest frame: " + describe(example, labels));
        }
        if (forwarding != null && forwarding.timingMillis().get("round_trip_p50") != null) {
            out.println("  median " + Forwarder.describeTiming(forwarding.timingMillis()));
        }
    }

    private static String describe(JsonNode n, List<String> labels) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "frame %d at %.1f s:", n.path("frame").asLong(),
                n.path("pts_ms").asLong() / 1000.0));
        JsonNode ids = n.path("outputs").path("class_ids").path("data");
        JsonNode scores = n.path("outputs").path("scores").path("data");
        JsonNode boxes = n.path("outputs").path("boxes").path("data");
        for (int i = 0; i < ids.size(); i++) {
            int c = ids.get(i).asInt();
            sb.append(String.format(Locale.ROOT, " %s %.2f [%.0f,%.0f,%.0f,%.0f]",
                    c >= 0 && c < labels.size() ? labels.get(c) : "class " + c, scores.get(i).asDouble(),
                    boxes.get(i * 4).asDouble(), boxes.get(i * 4 + 1).asDouble(), boxes.get(i * 4 + 2).asDouble(),
                    boxes.get(i * 4 + 3).asDouble()));
        }
        return sb.toString();
    }
}
