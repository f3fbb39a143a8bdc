package io.edgecascade.app.testing;

import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineFactory;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.InferenceEngine;
import io.edgecascade.engines.OnnxRuntimeCpuEngine;

/**
 * An engine whose opening keeps its thread inside ONNX Runtime's native session creation for a while, as the first
 * start of a big model on a slow box does: it opens and closes ONNX Runtime CPU sessions of the configured model until
 * {@code edgecascade.slow_open.ms} (system property, default 15000) have passed, then returns one. Test code: it
 * reaches the agent processes of app's tests through the engines' ServiceLoader (this module's test resources
 * register it), with {@code engine: slow-opening} in the config.
 */
public final class SlowOpeningEngine {

    public static final String NAME = "slow-opening";

    private SlowOpeningEngine() {
    }

    /** Registry entry. */
    public static final class Factory implements EngineFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public InferenceEngine open(EngineOptions options) throws EngineException {
            long until = System.nanoTime() + Long.getLong("edgecascade.slow_open.ms", 15_000) * 1_000_000L;
            while (System.nanoTime() < until) {
                OnnxRuntimeCpuEngine.open(options).close();
            }
            return OnnxRuntimeCpuEngine.open(options);
        }
    }
}
