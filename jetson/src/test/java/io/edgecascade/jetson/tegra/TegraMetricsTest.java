package io.edgecascade.jetson.tegra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

/** A tegrastats sample as gauges in base units; a later sample replaces the earlier one. */
class TegraMetricsTest {

    private static double value(PrometheusRegistry registry, String name, String label, String labelValue) {
        for (MetricSnapshot m : registry.scrape()) {
            if (m.getMetadata().getPrometheusName().equals(name)) {
                for (GaugeSnapshot.GaugeDataPointSnapshot dp : ((GaugeSnapshot) m).getDataPoints()) {
                    if (label == null || labelValue.equals(dp.getLabels().get(label))) {
                        return dp.getValue();
                    }
                }
            }
        }
        throw new AssertionError("no " + name + " " + label + "=" + labelValue);
    }

    @Test
    void gaugesFollowTheLatestSample() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        TegraMetrics metrics = new TegraMetrics(registry);
        var lines = TegraSampleTest.lines("orin-nano-jp6.txt");
        metrics.update(TegraSample.parse(lines.get(0)));
        metrics.update(TegraSample.parse(lines.get(1)));
        assertEquals(0.41, value(registry, "edge_cascade_jetson_gpu_load_ratio", null, null), 1e-9);
        assertEquals(624e6, value(registry, "edge_cascade_jetson_gpu_frequency_hertz", null, null), 1);
        assertEquals(0.05, value(registry, "edge_cascade_jetson_emc_load_ratio", null, null), 1e-9);
        assertEquals(2451 * 1024.0 * 1024.0, value(registry, "edge_cascade_jetson_ram_used_bytes", null, null), 1);
        assertEquals(6.2, value(registry, "edge_cascade_jetson_power_watts", "rail", "VDD_IN"), 1e-9);
        assertEquals(5.42, value(registry, "edge_cascade_jetson_power_average_watts", "rail", "VDD_IN"), 1e-9);
        assertEquals(46.5, value(registry, "edge_cascade_jetson_temperature_celsius", "sensor", "gpu"), 1e-9);
    }
}
