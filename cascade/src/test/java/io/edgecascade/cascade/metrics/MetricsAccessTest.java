package io.edgecascade.cascade.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.http.AccessRules;
import io.edgecascade.cascade.testing.RawHttp;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who may ask the metrics endpoint: the Host check of the page applies here too (every path but {@code /healthz}),
 * and {@code metrics.token} guards {@code /metrics}; {@code /readyz} answers probes without the token, its details
 * only with it.
 */
class MetricsAccessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "fedcba9876543210fedcba9876543210";
    private static final List<String> PATHS = List.of("/metrics", "/readyz", "/", "/nowhere", "/metrics?name[]=x");

    private static MetricsServer start(MetricsSettings settings) throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder().name("edge_cascade_test_total").help("a test counter").register(registry).inc(3);
        Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
        checks.put("cameras", () -> ReadinessCheck.Result.failing("gate: backoff (cannot open rtsp://***@10.0.0.12)"));
        return MetricsServer.start(settings, registry, checks);
    }

    @Test
    void aForeignHostGets403OnEveryPathButHealthz() throws Exception {
        try (MetricsServer server = start(MetricsSettings.parse("0.0.0.0:0"))) {
            RawHttp http = RawHttp.loopback(server.port());
            for (String path : PATHS) {
                RawHttp.Response r = http.send("GET", path, "evil.example:" + server.port(), null);
                assertEquals(403, r.status(), path + ": " + r.body());
                assertFalse(r.body().contains("edge_cascade_test_total"));
            }
            assertEquals(200, http.send("GET", "/healthz", "evil.example", null).status(), "probes keep working");
            RawHttp.Response own = http.send("GET", "/metrics", "localhost:" + server.port(), null);
            assertEquals(200, own.status());
            assertTrue(own.body().contains("edge_cascade_test_total 3.0"), own.body());
        }
    }

    @Test
    void withATokenMetricsNeedItAndReadyzShowsOnlyItsStatus() throws Exception {
        MetricsSettings settings = MetricsSettings.parse("127.0.0.1:0")
                .withAccess(new AccessRules(List.of("prometheus-target.example"), TOKEN));
        try (MetricsServer server = start(settings)) {
            RawHttp http = RawHttp.loopback(server.port());
            String self = "127.0.0.1:" + server.port();
            for (String path : List.of("/metrics", "/", "/nowhere")) {
                RawHttp.Response r = http.send("GET", path, self, null);
                assertEquals(401, r.status(), path);
                assertEquals("Bearer realm=\"edge-cascade metrics\"", r.header("WWW-Authenticate"));
                assertEquals(401, http.send("GET", path, self, null, "Authorization", "Bearer nope").status());
            }
            RawHttp.Response metrics = http.send("GET", "/metrics", "prometheus-target.example:9108", null,
                    "Authorization", "Bearer " + TOKEN);
            assertEquals(200, metrics.status());
            assertTrue(metrics.body().contains("edge_cascade_test_total 3.0"), metrics.body());

            RawHttp.Response probe = http.send("GET", "/readyz", self, null);
            assertEquals(503, probe.status(), "a probe without the token still gets the verdict");
            JsonNode bare = JSON.readTree(probe.body());
            assertEquals("not ready", bare.get("status").asText());
            assertFalse(bare.has("checks"), "camera names, hosts and errors only with the token: " + probe.body());
            RawHttp.Response full = http.send("GET", "/readyz", self, null, "Authorization", "Bearer " + TOKEN);
            assertEquals(503, full.status());
            assertEquals("gate: backoff (cannot open rtsp://***@10.0.0.12)",
                    JSON.readTree(full.body()).get("checks").get("cameras").get("detail").asText());
            assertEquals(200, http.send("GET", "/healthz", self, null).status());
        }
    }
}
