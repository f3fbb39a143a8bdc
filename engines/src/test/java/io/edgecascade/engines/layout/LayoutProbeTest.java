package io.edgecascade.engines.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.engines.Assets;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.EngineRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutProbeTest {

    @TempDir
    Path cache;

    @Test
    void candidatesFitTheCores() {
        assertEquals(List.of(new WorkerLayout(1, 1)), WorkerLayout.candidates(1));
        assertEquals(List.of(new WorkerLayout(1, 1), new WorkerLayout(1, 2), new WorkerLayout(2, 1)),
                WorkerLayout.candidates(2));
        assertTrue(WorkerLayout.candidates(8).stream().allMatch(l -> l.workers() * l.threads() <= 8));
        assertEquals(new WorkerLayout(2, 3), WorkerLayout.parse("2x3"));
    }

    @Test
    void picksTheFastestMeasuredLayoutAndCachesIt() throws Exception {
        // The figures measured on the development box (issue 10): 1x1 65/s, 1x2 108/s, 2x1 133/s.
        Map<WorkerLayout, Double> speeds = Map.of(new WorkerLayout(1, 1), 65.0, new WorkerLayout(1, 2), 108.0,
                new WorkerLayout(2, 1), 133.0);
        List<WorkerLayout> asked = new ArrayList<>();
        ThroughputMeter meter = l -> {
            asked.add(l);
            return speeds.get(l);
        };
        LayoutCache store = new LayoutCache(cache);
        LayoutChoice c = LayoutProbe.choose("k", WorkerLayout.candidates(2), meter, store);
        assertEquals(new WorkerLayout(2, 1), c.layout());
        assertFalse(c.cached());
        assertTrue(c.reason().contains("2 worker(s) x 1 thread(s)") && c.reason().contains("2x1 133/s"), c.reason());
        assertEquals(3 * LayoutProbe.ROUNDS, asked.size(), "every layout, in interleaved rounds");

        LayoutChoice again = LayoutProbe.choose("k", WorkerLayout.candidates(2), meter, store);
        assertEquals(new WorkerLayout(2, 1), again.layout());
        assertTrue(again.cached(), "the second start reads the cache");
        assertEquals(3 * LayoutProbe.ROUNDS, asked.size(), "and measures nothing");
        assertEquals(133.0, again.measured().get(new WorkerLayout(2, 1)), 0.1);

        LayoutProbe.choose("other-model", WorkerLayout.candidates(2), meter, store);
        assertEquals(6 * LayoutProbe.ROUNDS, asked.size(), "another key is measured");
    }

    @Test
    void aBurstOfOtherLoadDuringOneSampleDoesNotDecide() throws Exception {
        Map<WorkerLayout, List<Double>> samples = Map.of(new WorkerLayout(1, 1), new ArrayList<>(List.of(30.0, 28.0)),
                new WorkerLayout(1, 2), new ArrayList<>(List.of(35.0, 34.0)),
                new WorkerLayout(2, 1), new ArrayList<>(List.of(13.0, 60.0)));
        LayoutChoice c = LayoutProbe.choose("k", WorkerLayout.candidates(2), l -> samples.get(l).remove(0),
                new LayoutCache(cache));
        assertEquals(new WorkerLayout(2, 1), c.layout(), c.reason());
    }

    @Test
    void aNearTieGoesToFewerWorkersAndABrokenCacheIsMeasuredAgain() throws Exception {
        LayoutChoice c = LayoutChoice.best(Map.of(new WorkerLayout(1, 2), 100.0, new WorkerLayout(2, 1), 101.0));
        assertEquals(new WorkerLayout(1, 2), c.layout());
        Files.writeString(cache.resolve(LayoutCache.FILE), "k=garbage here\n");
        LayoutChoice m = LayoutProbe.choose("k", WorkerLayout.candidates(1), l -> 50.0, new LayoutCache(cache));
        assertFalse(m.cached());
        assertEquals(new WorkerLayout(1, 1), m.layout());
    }

    @Test
    void measuresTheRealEngine() throws Exception {
        EngineRegistry engines = EngineRegistry.standard();
        try (EngineThroughput meter = new EngineThroughput(engines, "onnxruntime-cpu",
                new EngineOptions(Assets.model(), 1), 100)) {
            double one = meter.inferencesPerSecond(new WorkerLayout(1, 1));
            double two = meter.inferencesPerSecond(new WorkerLayout(2, 1));
            assertTrue(one > 1 && two > 1, one + " " + two);
        }
    }
}
