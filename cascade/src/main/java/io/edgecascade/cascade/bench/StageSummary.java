package io.edgecascade.cascade.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** One stage's per-frame time in ms: percentiles, mean, and how many frames it ran on. */
public record StageSummary(double p50Millis, double p95Millis, double p99Millis, double meanMillis, int frames) {

    /** The summary of one step's durations. */
    static StageSummary of(io.edgecascade.cascade.metrics.LatencyHistogram h) {
        return new StageSummary(h.percentileMillis(0.50), h.percentileMillis(0.95), h.percentileMillis(0.99),
                h.meanMillis(), (int) h.count());
    }

    Map<String, Object> toJsonTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50_ms", BenchReport.round(p50Millis, 4));
        m.put("p95_ms", BenchReport.round(p95Millis, 4));
        m.put("p99_ms", BenchReport.round(p99Millis, 4));
        m.put("mean_ms", BenchReport.round(meanMillis, 4));
        m.put("frames", frames);
        return m;
    }
}
