package io.edgecascade.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecascade.app.testing.Dashboard;
import io.edgecascade.cascade.testing.ExternalTool;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Prometheus and Grafana files in configs/. */
class ConfigsTest {

    private static String promtool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ExternalTool.require("promtool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool did not finish");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void prometheusConfigAndRulesPassPromtool() throws Exception {
        String out = promtool("check", "config", "../configs/prometheus.yml");
        assertTrue(out.contains("SUCCESS: 1 rule files found"), out);
        promtool("check", "rules", "../configs/edge-cascade-rules.yml");
    }

    @Test
    void dashboardHasThePanelsTheIssueAsksFor() throws Exception {
        JsonNode d = Dashboard.read();
        List<String> titles = new ArrayList<>();
        d.get("panels").forEach(p -> titles.add(p.get("title").asText()));
        for (String t : List.of("Frames per second per camera", "Motion gate pass ratio", "Detector latency p50 / p95",
                "Forwarded vs spooled", "Camera up", "Spool size")) {
            assertTrue(titles.contains(t), t + " missing in " + titles);
        }
        String queries = String.join("\n", Dashboard.queries());
        assertTrue(queries.contains("histogram_quantile(0.5,"), queries);
        assertTrue(queries.contains("histogram_quantile(0.95,"), queries);
        for (String metric : List.of("edge_cascade_camera_fps", "edge_cascade_frames_total",
                "edge_cascade_stage_duration_seconds_bucket", "edge_cascade_forward_total", "edge_cascade_camera_up",
                "edge_cascade_spool_bytes")) {
            assertTrue(queries.contains(metric), metric);
        }
    }
}
