package io.edgecascade.cascade.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.testing.Http;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicBoolean camerasOk = new AtomicBoolean(false);
    private MetricsServer server;
    private String base;

    @BeforeEach
    void start() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter c = Counter.builder().name("edge_cascade_test_total").help("a test counter").register(registry);
        c.inc(3);
        Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
        checks.put("model", () -> ReadinessCheck.Result.ok("loaded"));
        checks.put("cameras", () -> camerasOk.get() ? ReadinessCheck.Result.ok("1 camera delivering")
                : ReadinessCheck.Result.failing("lobby: source stopped"));
        server = MetricsServer.start(MetricsSettings.parse("127.0.0.1:0"), registry, checks);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void healthzAnswersWhileTheProcessRuns() throws Exception {
        HttpResponse<String> r = Http.get(base + "/healthz");
        assertEquals(200, r.statusCode());
        assertEquals("alive", JSON.readTree(r.body()).get("status").asText());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void readyzIs503UntilEveryCheckPassesAndNamesTheFailingOne() throws Exception {
        HttpResponse<String> r = Http.get(base + "/readyz");
        assertEquals(503, r.statusCode());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("not ready", body.get("status").asText());
        assertTrue(body.get("checks").get("model").get("ok").asBoolean());
        assertEquals("lobby: source stopped", body.get("checks").get("cameras").get("detail").asText());

        camerasOk.set(true);
        r = Http.get(base + "/readyz");
        assertEquals(200, r.statusCode());
        assertEquals("ready", JSON.readTree(r.body()).get("status").asText());
    }

    @Test
    void metricsInTextFormatByDefault() throws Exception {
        HttpResponse<String> r = Http.get(base + "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                r.headers().toString());
        assertTrue(r.body().contains("edge_cascade_test_total 3.0"), r.body());
    }

    @Test
    void metricsInOpenMetricsWhenAsked() throws Exception {
        HttpResponse<String> r = Http.get(base + "/metrics",
                "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"),
                r.headers().toString());
        assertTrue(r.body().contains("edge_cascade_test_total 3.0"), r.body());
        assertTrue(r.body().endsWith("# EOF\n"), r.body());
    }

    @Test
    void otherPathsAre404AndOtherMethods405() throws Exception {
        assertEquals(404, Http.get(base + "/nothing").statusCode());
        assertEquals(405, Http.send("POST", base + "/readyz").statusCode());
        assertEquals(200, Http.get(base + "/").statusCode());
    }

    @Test
    void aTakenPortIsOneClearError() {
        MetricsSettings same = new MetricsSettings(true, "127.0.0.1", server.port());
        IOException e = assertThrows(IOException.class,
                () -> MetricsServer.start(same, new PrometheusRegistry(), Map.of()));
        assertTrue(e.getMessage().startsWith("metrics.listen: cannot listen on 127.0.0.1:" + server.port()),
                e.getMessage());
        assertTrue(e.getMessage().contains("choose another port"), e.getMessage());
    }

    @Test
    void closeFreesThePort() throws Exception {
        int port = server.port();
        server.close();
        try (MetricsServer again = MetricsServer.start(new MetricsSettings(true, "127.0.0.1", port),
                new PrometheusRegistry(), Map.of())) {
            assertEquals(200, Http.get("http://127.0.0.1:" + port + "/healthz").statusCode());
        }
        server = MetricsServer.start(MetricsSettings.parse("127.0.0.1:0"), new PrometheusRegistry(), Map.of());
    }
}
