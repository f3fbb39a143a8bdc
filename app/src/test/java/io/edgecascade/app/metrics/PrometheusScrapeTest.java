package io.edgecascade.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.testing.Dashboard;
import io.edgecascade.cascade.testing.ExternalTool;
import io.edgecascade.cascade.testing.Http;
import io.edgecascade.app.testing.AgentProcess;
import io.edgecascade.app.testing.Ports;
import io.edgecascade.cascade.testing.TestMedia;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian package {@code prometheus}) on loopback scrapes {@code edge-cascade run}
 * with its {@code metrics.token} (from the environment; Prometheus reads it from a file) while the agent reads a
 * looped clip at real time, so the run lasts until every check is done however slow the machine; the series are
 * read back through Prometheus's query API, and every query of the shipped Grafana dashboard runs there.
 */
class PrometheusScrapeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "prometheus-scrapes-with-this-token";

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesTheRunAndAnswersQueries() throws Exception {
        Path prometheusBinary = ExternalTool.require("prometheus");
        Path clip = TestMedia.clip(dir, 0, 12);
        int agentPort = Ports.free();
        int prometheusPort = Ports.free();
        Path config = dir.resolve("edge-cascade.yml");
        Files.writeString(config, "model:\n  path: " + TestMedia.model() + "\n  labels: " + TestMedia.labels() + "\n"
                + "threads: 1\n"
                + "events:\n  path: " + dir.resolve("events.jsonl") + "\n"
                + "metrics:\n  listen: 127.0.0.1:" + agentPort + "\n  token: ${EDGE_METRICS_TOKEN}\n"
                + "cameras:\n  - id: lobby\n    source: " + clip + "\n    realtime: true\n    loop: true\n");
        Path tokenFile = Files.writeString(dir.resolve("edge-token"), TOKEN);
        Path prometheusConfig = dir.resolve("prometheus.yml");
        Files.writeString(prometheusConfig, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                + "scrape_configs:\n  - job_name: edge-cascade\n"
                + "    authorization:\n      type: Bearer\n      credentials_file: " + tokenFile + "\n"
                + "    static_configs:\n      - targets: ['127.0.0.1:" + agentPort + "']\n");
        Process prometheus = new ProcessBuilder(prometheusBinary.toString(),
                "--config.file=" + prometheusConfig, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + prometheusPort, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        String prom = "http://127.0.0.1:" + prometheusPort;
        AgentProcess run = null;
        try {
            waitFor("Prometheus to start", 60, () -> Http.get(prom + "/-/ready").statusCode() == 200);
            run = AgentProcess.run(config, dir.resolve("summary.json"), Map.of("EDGE_METRICS_TOKEN", TOKEN));
            String agent = "http://127.0.0.1:" + agentPort;
            waitFor("the agent to be ready", 90, () -> Http.get(agent + "/readyz").statusCode() == 200);
            assertEquals(401, Http.get(agent + "/metrics").statusCode(), "the metrics need the token");

            String decoded = "edge_cascade_frames_total{job=\"edge-cascade\",camera=\"lobby\",outcome=\"decoded\"}";
            waitFor("Prometheus to hold decoded frames", 60, () -> firstValue(query(prom, decoded)) > 0);
            double first = firstValue(query(prom, decoded));
            waitFor("the decoded count to grow in Prometheus", 30, () -> firstValue(query(prom, decoded)) > first);
            assertEquals(1.0, firstValue(query(prom, "up{job=\"edge-cascade\"}")));
            assertEquals(1.0, firstValue(query(prom,
                    "edge_cascade_engine_info{engine=\"onnxruntime-cpu\",model=\"yolox_nano.onnx\"}")));
            waitFor("a decode latency quantile", 30, () -> firstValue(query(prom,
                    "histogram_quantile(0.5, sum by (le) (rate(edge_cascade_stage_duration_seconds_bucket"
                            + "{stage=\"decode\"}[30s])))")) > 0);

            List<String> queries = Dashboard.queries();
            for (String q : queries) {
                JsonNode r = query(prom, q);
                assertEquals("success", r.get("status").asText(), q + " -> " + r);
            }
            assertEquals(0, run.terminate(30_000), run.output());
            assertFalse(run.output().contains(TOKEN), "the token reached the log");
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
            if (run != null) {
                run.close();
            }
        }
    }

    private static JsonNode query(String prom, String promql) throws Exception {
        HttpResponse<String> r = Http.get(prom + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        return JSON.readTree(r.body());
    }

    /** The first sample's value of an instant query, or -1 when it has none. */
    private static double firstValue(JsonNode response) {
        JsonNode result = response.path("data").path("result");
        if (!response.path("status").asText().equals("success") || result.size() == 0) {
            return -1;
        }
        return Double.parseDouble(result.get(0).get("value").get(1).asText());
    }

    private interface Probe {
        boolean holds() throws Exception;
    }

    private static void waitFor(String what, int seconds, Probe probe) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (probe.holds()) {
                    return;
                }
            } catch (java.io.IOException e) {
                last = e; // not listening yet
            }
            Thread.sleep(250);
        }
        fail("timed out after " + seconds + " s waiting for " + what + (last == null ? "" : " (" + last + ")"));
    }
}
