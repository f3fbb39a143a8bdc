package io.edgecascade.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.testing.TestMedia;
import io.edgecascade.cascade.metrics.MetricsSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code metrics:} section of the config. */
class MetricsConfigTest {

    private static AppConfig parse(String metrics) throws ConfigException {
        String yaml = "model:\n  path: " + TestMedia.model() + "\n  labels: " + TestMedia.labels() + "\n"
                + metrics + "cameras:\n  - id: lobby\n    source: " + TestMedia.video() + "\n";
        return new ConfigLoader(Map.of(), List.of("auto", "onnxruntime-cpu")).parse(yaml, "test.yml");
    }

    @Test
    void withoutTheSectionTheEndpointListensOnLoopback9108() throws ConfigException {
        assertEquals(MetricsSettings.DEFAULT, parse("").metrics());
    }

    @Test
    void listenTakesAnAddress() throws ConfigException {
        assertEquals(new MetricsSettings(true, "0.0.0.0", 9200), parse("metrics:\n  listen: 0.0.0.0:9200\n")
                .metrics());
    }

    @Test
    void zeroTurnsItOff() throws ConfigException {
        assertFalse(parse("metrics:\n  listen: 0\n").metrics().enabled());
    }

    @Test
    void aBadAddressIsReportedUnderItsKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("metrics:\n  listen: nowhere\n"));
        assertEquals(1, e.problems().size(), e.problems().toString());
        assertTrue(e.problems().get(0).contains("metrics.listen"), e.problems().get(0));
        assertTrue(e.problems().get(0).contains("127.0.0.1:9108"), e.problems().get(0));
    }

    @Test
    void anUnknownKeyIsReported() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("metrics:\n  listn: 1.2.3.4:5\n"));
        assertTrue(e.problems().get(0).contains("metrics.listn"), e.problems().toString());
        assertTrue(e.problems().get(0).contains("did you mean 'listen'"), e.problems().toString());
    }
}
