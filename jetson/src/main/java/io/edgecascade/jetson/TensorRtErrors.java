package io.edgecascade.jetson;

import io.edgecascade.engines.EngineException;
import java.nio.file.Path;
import java.util.List;

/** The user-facing messages of the TensorRT engine's failures: what failed, and what to do. */
final class TensorRtErrors {

    static final String INSTALL = "install TensorRT 10 and CUDA 12 (on a Jetson: JetPack 6.1 or later; on a PC:"
            + " the TensorRT 10 packages of NVIDIA's CUDA repository) so that libnvinfer.so.10, libnvonnxparser.so.10"
            + " and libcudart.so.12 are on the library path";

    private TensorRtErrors() {
    }

    /** The JNI wrappers loaded but the TensorRT/CUDA libraries they link against did not. */
    static EngineException librariesMissing(Throwable cause) {
        String detail = cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getMessage().lines().findFirst().orElse("").strip();
        return new EngineException("engine tensorrt is not available: the TensorRT/CUDA libraries do not load ("
                + detail + "); " + INSTALL, cause);
    }

    /** A CUDA runtime call returned an error code. */
    static EngineException cuda(String step, int code, String text) {
        String hint = switch (code) {
            case 35 -> "the NVIDIA driver is older than CUDA 12 needs; update the driver (or JetPack)";
            case 100 -> "no CUDA GPU is visible; check the driver, and in a container run it with the NVIDIA"
                    + " runtime (--runtime nvidia / --gpus all)";
            case 101 -> "the configured GPU index does not exist; set engine_options.device to 0..n-1";
            case 2 -> "the GPU is out of memory; close other GPU programs or use a smaller model";
            default -> "check the NVIDIA driver with nvidia-smi (tegrastats on a Jetson)";
        };
        return new EngineException("engine tensorrt: CUDA " + step + " failed with error " + code + " (" + text + "); "
                + hint);
    }

    /** The ONNX parser rejected the model. */
    static EngineException parse(Path model, List<String> errors) {
        String first = errors.isEmpty() ? "no detail" : errors.get(0);
        String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "";
        return new EngineException("engine tensorrt cannot parse model " + model + ": " + first + more
                + "; export the model with ONNX opset 11-17 and fixed input shapes, or use engine onnxruntime-cuda");
    }

    /** TensorRT returned no plan. */
    static EngineException build(Path model, String lastError) {
        return new EngineException("engine tensorrt could not build an engine for " + model
                + (lastError == null || lastError.isBlank() ? "" : ": " + lastError)
                + "; the GPU may lack memory or the model a supported layer; try engine_options.fp16: false, or engine"
                + " onnxruntime-cuda");
    }

    /** A model input/output TensorRT engines of this build cannot bind. */
    static EngineException tensor(Path model, String name, String problem) {
        return new EngineException("model " + model + ": tensor '" + name + "' " + problem
                + "; export the model with float32 inputs/outputs and fixed shapes (e.g. 1x3x416x416)");
    }

    /** The TensorRT version number {@code getInferLibVersion()} returns, as text: 100600 -> "10.6.0". */
    static String version(int encoded) {
        if (encoded >= 10000) {
            // TensorRT 10 encodes major*10000 + minor*100 + patch
            return (encoded / 10000) + "." + (encoded / 100 % 100) + "." + (encoded % 100);
        }
        // TensorRT 8 encodes major*1000 + minor*100 + patch
        return (encoded / 1000) + "." + (encoded / 100 % 10) + "." + (encoded % 100);
    }
}
