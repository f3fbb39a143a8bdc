package io.edgecascade.engines;

import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import io.edgecascade.engines.probe.HardwareProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ONNX Runtime with the TensorRT execution provider (CUDA for the nodes TensorRT does not take). FP16 and INT8
 * follow {@link EngineOptions}; built TensorRT engines are cached under {@code cacheDir/onnxruntime-tensorrt}, so
 * only the first start pays the build (minutes on small GPUs). Needs {@code -Pgpu} and TensorRT 10 libraries.
 */
public final class OnnxRuntimeTensorRtEngine {

    public static final String NAME = "onnxruntime-tensorrt";


    private OnnxRuntimeTensorRtEngine() {
    }

    /** Registry entry. */
    public static final class Factory implements EngineFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public InferenceEngine open(EngineOptions options) throws EngineException {
            return OnnxRuntimeTensorRtEngine.open(options);
        }

        @Override
        public Optional<String> unavailable(HardwareProfile hw) {
            Optional<String> cuda = OnnxRuntimeCudaEngine.unavailable(hw);
            if (cuda.isPresent()) {
                return cuda;
            }
            if (!hw.ortProviders().contains("TENSOR_RT")) {
                return Optional.of("this build's ONNX Runtime has no TensorRT provider (package with -Pgpu)");
            }
            return hw.loads(HardwareProfile.NVINFER) ? Optional.empty()
                    : Optional.of(hw.whyNot(HardwareProfile.NVINFER));
        }
    }

    /** The TensorRT provider options these engine options mean; exposed for tests. */
    static Map<String, String> providerOptions(EngineOptions options, int gpu) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("device_id", Integer.toString(gpu));
        o.put("trt_fp16_enable", options.fp16() ? "1" : "0");
        o.put("trt_int8_enable", int8(options) ? "1" : "0");
        o.put("trt_engine_cache_enable", "1");
        o.put("trt_engine_cache_path", cacheDir(options).toString());
        o.put("trt_timing_cache_enable", "1");
        o.put("trt_timing_cache_path", cacheDir(options).toString());
        return o;
    }

    static Path cacheDir(EngineOptions options) {
        return options.cacheDir().resolve(NAME);
    }

    /** INT8 when asked for, or when the model is quantized (QDQ): TensorRT then takes its scales from the model. */
    static boolean int8(EngineOptions options) {
        return options.int8() || "int8".equals(ModelPrecision.of(options.model()));
    }

    static String precision(EngineOptions options) {
        return int8(options) ? "int8" : options.fp16() ? "fp16" : "fp32";
    }

    public static InferenceEngine open(EngineOptions options) throws EngineException {
        int gpu = options.cudaDevice(NAME);
        Path cache = cacheDir(options);
        try {
            Files.createDirectories(cache);
        } catch (IOException e) {
            throw new EngineException("engine " + NAME + ": cannot create the engine cache " + cache + ": " + e
                    + "; set engine_options.cache_dir to a writable directory", e);
        }
        Map<String, String> trtOptions = providerOptions(options, gpu);
        return OnnxRuntimeEngine.open(options, NAME, "cuda:" + gpu, precision(options), so -> {
            OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(gpu);
            for (Map.Entry<String, String> e : trtOptions.entrySet()) {
                trt.add(e.getKey(), e.getValue());
            }
            so.addTensorrt(trt);
            // nodes TensorRT cannot take run on CUDA, not on the CPU
            OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(gpu);
            so.addCUDA(cuda);
            return List.of(trt, cuda);
        }, OnnxRuntimeCudaEngine.hint(OnnxRuntimeCudaEngine.NEEDS + " and TensorRT 10 (libnvinfer.so.10)"));
    }
}
