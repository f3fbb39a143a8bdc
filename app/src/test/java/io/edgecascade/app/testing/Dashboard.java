package io.edgecascade.app.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The Grafana dashboard shipped in configs/, read as a test sees it. */
public final class Dashboard {

    public static final Path FILE = Path.of("../configs/grafana/edge-cascade-dashboard.json");

    private Dashboard() {
    }

    public static JsonNode read() throws IOException {
        return new ObjectMapper().readTree(FILE.toFile());
    }

    /** Every panel's query, with Grafana's variables replaced so Prometheus can run it. */
    public static List<String> queries() throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : read().get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                out.add(target.get("expr").asText().replace("$__rate_interval", "30s").replace("$instance", ".*")
                        .replace("$camera", ".*"));
            }
        }
        return out;
    }
}
