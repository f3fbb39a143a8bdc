package io.edgecascade.engines.layout;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The layout {@code pipeline.detector_workers: auto} chose, with what it measured (inferences/s per layout) and
 * whether it came from the cache.
 */
public record LayoutChoice(WorkerLayout layout, Map<WorkerLayout, Double> measured, boolean cached) {

    public LayoutChoice {
        measured = Map.copyOf(new LinkedHashMap<>(measured));
    }

    /** Picks the highest throughput; a layout within 3% of the best but with fewer workers wins (less memory). */
    public static LayoutChoice best(Map<WorkerLayout, Double> measured) {
        if (measured.isEmpty()) {
            throw new IllegalArgumentException("nothing measured");
        }
        double top = measured.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        WorkerLayout pick = null;
        for (Map.Entry<WorkerLayout, Double> e : measured.entrySet()) {
            if (e.getValue() < top * 0.97) {
                continue;
            }
            WorkerLayout l = e.getKey();
            if (pick == null || l.workers() < pick.workers()
                    || (l.workers() == pick.workers() && measured.get(l) > measured.get(pick))) {
                pick = l;
            }
        }
        return new LayoutChoice(pick, measured, false);
    }

    /** For the log line: what was chosen and why. */
    public String reason() {
        String figures = measured.entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .map(e -> String.format(Locale.ROOT, "%s %.0f/s", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "%d worker(s) x %d thread(s): highest inference throughput of %s%s",
                layout.workers(), layout.threads(), figures, cached ? " (cached measurement)" : "");
    }
}
