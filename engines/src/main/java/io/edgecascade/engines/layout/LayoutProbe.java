package io.edgecascade.engines.layout;

import io.edgecascade.engines.EngineException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the detector worker layout for {@code pipeline.detector_workers: auto}: the cached choice for this key
 * (model hash, engine, device, CPU), else measures every candidate with the meter (twice, interleaved, keeping the
 * better figure), picks the best and caches it.
 */
public final class LayoutProbe {

    static final int ROUNDS = 2;

    private LayoutProbe() {
    }

    /** The cache key: what the measurement depends on. */
    public static String key(String modelSha256, String engine, String device, String cpuModel, int cores) {
        String raw = modelSha256.substring(0, Math.min(16, modelSha256.length())) + "|" + engine + "|" + device
                + "|" + cpuModel + "|" + cores;
        // Properties keys may not hold ':' '=' or spaces unescaped; a slug keeps the file readable.
        return raw.replaceAll("[^A-Za-z0-9._|-]+", "_");
    }

    public static LayoutChoice choose(String key, List<WorkerLayout> candidates, ThroughputMeter meter,
            LayoutCache cache) throws EngineException {
        Optional<LayoutChoice> cached = cache.get(key);
        if (cached.isPresent() && candidates.contains(cached.get().layout())) {
            return cached.get();
        }
        // Two rounds, layouts interleaved, best of each: a burst of other load during one layout's window
        // then costs it one sample, not the choice.
        Map<WorkerLayout, Double> measured = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (WorkerLayout l : candidates) {
                measured.merge(l, meter.inferencesPerSecond(l), Math::max);
            }
        }
        LayoutChoice choice = LayoutChoice.best(measured);
        cache.put(key, choice);
        return choice;
    }
}
