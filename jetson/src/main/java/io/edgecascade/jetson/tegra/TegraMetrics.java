package io.edgecascade.jetson.tegra;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;

/**
 * The Jetson's tegrastats readings as Prometheus gauges, in base units:
 * {@code edge_cascade_jetson_gpu_load_ratio}, {@code _gpu_frequency_hertz}, {@code _emc_load_ratio},
 * {@code _emc_frequency_hertz}, {@code _ram_used_bytes}, {@code _ram_total_bytes},
 * {@code _power_watts{rail}} (instant) and {@code _power_average_watts{rail}}, {@code _temperature_celsius{sensor}}.
 * Each sample overwrites the previous one.
 */
public final class TegraMetrics {

    private static final double MB = 1024.0 * 1024.0;

    private final Gauge gpuLoad;
    private final Gauge gpuHz;
    private final Gauge emcLoad;
    private final Gauge emcHz;
    private final Gauge ramUsed;
    private final Gauge ramTotal;
    private final Gauge power;
    private final Gauge powerAverage;
    private final Gauge temperature;

    /** Registers the gauges (without values until the first sample). */
    public TegraMetrics(PrometheusRegistry registry) {
        gpuLoad = Gauge.builder().name("edge_cascade_jetson_gpu_load_ratio")
                .help("GPU (GR3D) load from tegrastats, 0..1").register(registry);
        gpuHz = Gauge.builder().name("edge_cascade_jetson_gpu_frequency_hertz")
                .help("GPU clock from tegrastats").register(registry);
        emcLoad = Gauge.builder().name("edge_cascade_jetson_emc_load_ratio")
                .help("memory controller (EMC) load from tegrastats, 0..1").register(registry);
        emcHz = Gauge.builder().name("edge_cascade_jetson_emc_frequency_hertz")
                .help("memory controller clock from tegrastats").register(registry);
        ramUsed = Gauge.builder().name("edge_cascade_jetson_ram_used_bytes")
                .help("memory in use (shared by CPU and GPU) from tegrastats").register(registry);
        ramTotal = Gauge.builder().name("edge_cascade_jetson_ram_total_bytes")
                .help("memory in all from tegrastats").register(registry);
        power = Gauge.builder().name("edge_cascade_jetson_power_watts")
                .help("power of a rail from tegrastats (VDD_IN: the whole module)").labelNames("rail").register(registry);
        powerAverage = Gauge.builder().name("edge_cascade_jetson_power_average_watts")
                .help("tegrastats' running average power of a rail").labelNames("rail").register(registry);
        temperature = Gauge.builder().name("edge_cascade_jetson_temperature_celsius")
                .help("temperature of a sensor from tegrastats").labelNames("sensor").register(registry);
    }

    /** Takes one sample's values. */
    public void update(TegraSample s) {
        s.gpuLoad().ifPresent(v -> gpuLoad.set(v / 100.0));
        s.gpuMhz().ifPresent(v -> gpuHz.set(v * 1e6));
        s.emcLoad().ifPresent(v -> emcLoad.set(v / 100.0));
        s.emcMhz().ifPresent(v -> emcHz.set(v * 1e6));
        ramUsed.set(s.ramUsedMb() * MB);
        ramTotal.set(s.ramTotalMb() * MB);
        for (Map.Entry<String, TegraSample.Rail> rail : s.rails().entrySet()) {
            power.labelValues(rail.getKey()).set(rail.getValue().milliwatts() / 1000.0);
            powerAverage.labelValues(rail.getKey()).set(rail.getValue().averageMilliwatts() / 1000.0);
        }
        for (Map.Entry<String, Double> t : s.temperaturesC().entrySet()) {
            temperature.labelValues(t.getKey()).set(t.getValue());
        }
    }
}
