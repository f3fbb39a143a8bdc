package io.edgecascade.cascade.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgecascade.cascade.testing.Promtool;
import io.edgecascade.cascade.testing.Scrape;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The best frames' and live clips' memory, read when scraped; every camera's series exists from the start. */
class SinkMemoryMetricsTest {

    @Test
    void bytesAndWhatTheBoundsGaveUpPerCamera() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        AtomicLong frameBytes = new AtomicLong(1234);
        Map<String, Long> dropped = new HashMap<>();
        Map<String, Long> cut = new HashMap<>(Map.of("yard", 2L));
        SinkMemoryMetrics.bestFrames(registry, List.of("lobby", "yard"), frameBytes::get, () -> dropped);
        SinkMemoryMetrics.clips(registry, List.of("lobby", "yard"), () -> 99, () -> cut, Map::of);
        Scrape s = Scrape.of(registry);
        assertEquals(1234.0, s.value("edge_cascade_best_frames_bytes"));
        assertEquals(0.0, s.value("edge_cascade_best_frames_dropped_total{camera=\"lobby\"}"));
        assertEquals(0.0, s.value("edge_cascade_best_frames_dropped_total{camera=\"yard\"}"));
        assertEquals(99.0, s.value("edge_cascade_clip_memory_bytes"));
        assertEquals(2.0, s.value("edge_cascade_clips_cut_total{camera=\"yard\"}"));
        assertEquals(0.0, s.value("edge_cascade_clips_dropped_total{camera=\"lobby\"}"));
        dropped.put("lobby", 3L);
        frameBytes.set(10);
        s = Scrape.of(registry);
        assertEquals(3.0, s.value("edge_cascade_best_frames_dropped_total{camera=\"lobby\"}"));
        assertEquals(10.0, s.value("edge_cascade_best_frames_bytes"));
        Promtool.checkMetrics(s.text());
    }
}
