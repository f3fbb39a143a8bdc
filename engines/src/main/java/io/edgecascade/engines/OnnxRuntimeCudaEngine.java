package io.edgecascade.engines;

import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import io.edgecascade.engines.probe.HardwareProfile;
import java.util.List;
import java.util.Optional;

/**
 * ONNX Runtime with the CUDA execution provider on an NVIDIA GPU. Needs the ONNX Runtime GPU jar (build with
 * {@code -Pgpu}) and CUDA 12 + cuDNN 9 on the machine; without them it fails to load with a message saying so,
 * and the selector falls back.
 */
public final class OnnxRuntimeCudaEngine {

    public static final String NAME = "onnxruntime-cuda";

    /** What to do when the provider does not load: get the GPU build, or the CUDA libraries it needs. */
    static String hint(String needs) {
        boolean gpuBuild = io.edgecascade.engines.probe.HardwareProbe.onnxRuntimeProviders().contains("CUDA");
        return gpuBuild ? "install " + needs + " and put them on the library path (LD_LIBRARY_PATH)"
                : "this build's ONNX Runtime is CPU-only: package edge-cascade with -Pgpu, and install " + needs;
    }

    static final String NEEDS = "an NVIDIA driver, CUDA 12 (cudart, cublas) and cuDNN 9";

    private OnnxRuntimeCudaEngine() {
    }

    /** Registry entry. */
    public static final class Factory implements EngineFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public InferenceEngine open(EngineOptions options) throws EngineException {
            return OnnxRuntimeCudaEngine.open(options);
        }

        @Override
        public Optional<String> unavailable(HardwareProfile hw) {
            return OnnxRuntimeCudaEngine.unavailable(hw);
        }
    }

    /** The GPU jar, an NVIDIA GPU and the CUDA runtime libraries. */
    static Optional<String> unavailable(HardwareProfile hw) {
        if (!hw.ortProviders().contains("CUDA")) {
            return Optional.of("this build's ONNX Runtime has no CUDA provider (package with -Pgpu)");
        }
        if (!hw.hasNvidiaGpu() && !hw.isJetson()) {
            return Optional.of("no NVIDIA GPU (" + hw.nvidiaStatus() + ")");
        }
        for (String lib : java.util.List.of(HardwareProfile.CUDART, HardwareProfile.CUDNN)) {
            if (!hw.loads(lib)) {
                return Optional.of(hw.whyNot(lib));
            }
        }
        return Optional.empty();
    }

    public static InferenceEngine open(EngineOptions options) throws EngineException {
        int gpu = options.cudaDevice(NAME);
        return OnnxRuntimeEngine.open(options, NAME, "cuda:" + gpu, ModelPrecision.of(options.model()), so -> {
            OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(gpu);
            so.addCUDA(cuda);
            return List.of(cuda);
        }, hint(NEEDS));
    }
}
