package io.edgecascade.cascade.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The bounded memory of the sinks that keep frames, read when scraped: the best frames kept for the page and the
 * forwarder ({@code events.best_frames_mb}) and the live clips in memory ({@code record.max_memory_mb}), with what
 * each bound made them give up. Every configured camera has its series from the start (at 0).
 */
public final class SinkMemoryMetrics {

    private SinkMemoryMetrics() {
    }

    /**
     * {@code edge_cascade_best_frames_bytes} and {@code edge_cascade_best_frames_dropped_total{camera}}.
     *
     * @param dropped per camera: live tracks that gave up their best frame to stay within the bounds
     */
    public static void bestFrames(PrometheusRegistry registry, List<String> cameraIds, LongSupplier bytes,
            Supplier<Map<String, Long>> dropped) {
        GaugeWithCallback.builder().name(CascadeMetrics.PREFIX + "best_frames_bytes").unit(Unit.BYTES)
                .help("Bytes of the encoded best frames kept for the live tracks (and recently ended ones) of every"
                        + " camera; bounded by events.best_frames_mb")
                .callback(cb -> cb.call(bytes.getAsLong())).register(registry);
        perCamera(registry, "best_frames_dropped", "Live tracks that gave up their best frame to stay within"
                + " events.max_tracks or events.best_frames_mb (their event goes on without it)", cameraIds, dropped);
    }

    /**
     * {@code edge_cascade_clip_memory_bytes}, {@code edge_cascade_clips_cut_total{camera}} and
     * {@code edge_cascade_clips_dropped_total{camera}}.
     */
    public static void clips(PrometheusRegistry registry, List<String> cameraIds, LongSupplier bytes,
            Supplier<Map<String, Long>> cut, Supplier<Map<String, Long>> dropped) {
        GaugeWithCallback.builder().name(CascadeMetrics.PREFIX + "clip_memory_bytes").unit(Unit.BYTES)
                .help("Bytes of packets held by live cameras' clips being captured or waiting for the disk; bounded"
                        + " by record.max_memory_mb")
                .callback(cb -> cb.call(bytes.getAsLong())).register(registry);
        perCamera(registry, "clips_cut", "Event clips cut short because record.max_memory_mb was used up",
                cameraIds, cut);
        perCamera(registry, "clips_dropped", "Event clips not written: no room in record.max_memory_mb to start,"
                + " the writer's queue full, or no time left at a stop", cameraIds, dropped);
    }

    private static void perCamera(PrometheusRegistry registry, String name, String help, List<String> cameraIds,
            Supplier<Map<String, Long>> counts) {
        CounterWithCallback.builder().name(CascadeMetrics.PREFIX + name + "_total").help(help).labelNames("camera")
                .callback(cb -> {
                    Map<String, Long> now = counts.get();
                    for (String id : cameraIds) {
                        cb.call(now.getOrDefault(id, 0L), id);
                    }
                }).register(registry);
    }
}
