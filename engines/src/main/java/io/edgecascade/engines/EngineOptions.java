package io.edgecascade.engines;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What an engine needs to load a model.
 *
 * @param model    the model file (ONNX; OpenVINO also reads IR {@code .xml})
 * @param threads  intra-op threads for CPU backends (at least 1)
 * @param device   where to run, in the engine's own terms: an OpenVINO device ({@code CPU}, {@code GPU},
 *                 {@code NPU}, {@code AUTO}), a CUDA device index ({@code 0} or {@code cuda:0}); empty = the
 *                 engine's default
 * @param fp16     let GPU engines run layers in half precision (TensorRT, OpenVINO GPU); CPU engines ignore it
 * @param int8     build INT8 TensorRT engines; needs a quantized (QDQ) model ({@link ModelPrecision} reads its graph)
 * @param cacheDir where engines keep compiled artifacts (TensorRT engine plans, OpenVINO blobs)
 */
public record EngineOptions(Path model, int threads, String device, boolean fp16, boolean int8, Path cacheDir) {

    public EngineOptions {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(cacheDir, "cacheDir");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /** Default device, FP16 allowed, no forced INT8, the user's cache directory. */
    public EngineOptions(Path model, int threads) {
        this(model, threads, "", true, false, defaultCacheDir());
    }

    public EngineOptions withDevice(String newDevice) {
        return new EngineOptions(model, threads, newDevice, fp16, int8, cacheDir);
    }

    public EngineOptions withPrecision(boolean newFp16, boolean newInt8) {
        return new EngineOptions(model, threads, device, newFp16, newInt8, cacheDir);
    }

    public EngineOptions withCacheDir(Path newCacheDir) {
        return new EngineOptions(model, threads, device, fp16, int8, newCacheDir);
    }

    /** {@code $XDG_CACHE_HOME/edge-cascade/engines}, else {@code ~/.cache/edge-cascade/engines}. */
    /**
     * Inference threads when the config sets none: half the cores (at least one). The capture threads decode
     * and gate on the other half; measured on 2 cores, one inference thread beat two (docs/BENCHMARKS.md).
     */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    public static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("edge-cascade").resolve("engines");
    }

    /**
     * The CUDA device index named by {@link #device()}: empty means 0; {@code 1} and {@code cuda:1} mean 1.
     *
     * @throws EngineException when the device is not a CUDA device index
     */
    public int cudaDevice(String engine) throws EngineException {
        String d = device.trim();
        if (d.isEmpty()) {
            return 0;
        }
        if (d.startsWith("cuda:")) {
            d = d.substring(5);
        }
        try {
            int index = Integer.parseInt(d);
            if (index >= 0) {
                return index;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new EngineException("engine " + engine + ": device '" + device
                + "' is not a CUDA device; use a GPU index such as 0 or cuda:0");
    }
}
