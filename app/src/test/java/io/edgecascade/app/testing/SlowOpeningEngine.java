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
 * reaches an agent process through the engines' ServiceLoader, from a folder {@link #register} writes, put on the
 * agent's class path ({@code EDGE_CASCADE_CLASSPATH}), with {@code engine: slow-opening} in the config; registered
 * nowhere else, so that the other tests' engine lists stay the product's.
 */
public final class SlowOpeningEngine {

    public static final String NAME = "slow-opening";

    private SlowOpeningEngine() {
    }

    /** Writes a class-path folder under {@code dir} that registers this engine; returns its path. */
    public static java.nio.file.Path register(java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path services = java.nio.file.Files.createDirectories(dir.resolve("META-INF/services"));
        java.nio.file.Files.writeString(services.resolve(EngineFactory.class.getName()), Factory.class.getName()
                + "\n");
        return dir;
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
