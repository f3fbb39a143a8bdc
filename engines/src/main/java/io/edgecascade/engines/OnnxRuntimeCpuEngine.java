package io.edgecascade.engines;

import java.util.List;

/** ONNX Runtime on the CPU: the engine every box can run and the last fallback of every other engine. */
public final class OnnxRuntimeCpuEngine {

    public static final String NAME = "onnxruntime-cpu";

    private OnnxRuntimeCpuEngine() {
    }

    /** Registry entry. */
    public static final class Factory implements EngineFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public InferenceEngine open(EngineOptions options) throws EngineException {
            return OnnxRuntimeCpuEngine.open(options);
        }
    }

    /** Loads {@code options.model()} with {@code options.threads()} intra-op threads. */
    public static InferenceEngine open(EngineOptions options) throws EngineException {
        return OnnxRuntimeEngine.open(options, NAME, "cpu", ModelPrecision.of(options.model()), so -> List.of(),
                "the CPU provider is part of every ONNX Runtime build; reinstall edge-cascade");
    }
}
