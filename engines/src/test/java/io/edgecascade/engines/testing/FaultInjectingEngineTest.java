package io.edgecascade.engines.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.InferenceEngine;
import io.edgecascade.engines.OnnxRuntimeCpuEngine;
import io.edgecascade.engines.TinyModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chaos soak's engine fails exactly on its schedule, counting across the sessions of one process. */
class FaultInjectingEngineTest {

    @Test
    void failsEveryNthInferenceAndABurstCountingAcrossSessions(@TempDir Path dir) throws Exception {
        Path model = TinyModels.identity(dir.resolve("identity.onnx"), 1, 4);
        FaultInjectingEngine.Schedule schedule = new FaultInjectingEngine.Schedule(5, 12, 4);
        AtomicLong count = new AtomicLong();
        List<Long> failed = new ArrayList<>();
        // a worker that reopens its session after two failures in a row, as a detector worker does after its budget
        InferenceEngine engine = new FaultInjectingEngine(OnnxRuntimeCpuEngine.open(new EngineOptions(model, 1)),
                schedule, count);
        int inARow = 0;
        try {
            for (long n = 1; n <= 25; n++) {
                engine.input(0).put(0, n);
                try {
                    engine.infer();
                    assertEquals(n, engine.output(0).get(0), 0f, "a passing inference runs the real model");
                    inARow = 0;
                } catch (EngineException e) {
                    assertTrue(e.getMessage().contains(FaultInjectingEngine.MARK + " on inference " + n),
                            e.getMessage());
                    failed.add(n);
                    if (++inARow == 2) {
                        engine.close();
                        engine = new FaultInjectingEngine(OnnxRuntimeCpuEngine.open(new EngineOptions(model, 1)),
                                schedule, count);
                    }
                }
            }
        } finally {
            engine.close();
        }
        assertEquals(List.of(5L, 10L, 12L, 13L, 14L, 15L, 20L, 25L), failed);
        assertEquals("fault-injecting", engine.info().name());
    }

    @Test
    void scheduleWithoutBurstOrPeriodFailsNothing() {
        var none = new FaultInjectingEngine.Schedule(0, 1, 0);
        for (long n = 1; n <= 1000; n++) {
            assertFalse(none.fails(n));
        }
        assertThrows(IllegalArgumentException.class, () -> new FaultInjectingEngine.Schedule(-1, 1, 0));
    }
}
