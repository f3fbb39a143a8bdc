package io.edgecascade.jetson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.EngineRegistry;
import io.edgecascade.engines.probe.HardwareProfile;
import io.edgecascade.engines.probe.LibraryStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorRtEngineTest {

    private static Map<String, LibraryStatus> libs(String... present) {
        Map<String, LibraryStatus> m = new LinkedHashMap<>();
        for (String lib : HardwareProfile.PROBED_LIBRARIES) {
            m.put(lib, List.of(present).contains(lib) ? LibraryStatus.loaded(lib)
                    : LibraryStatus.missing(lib, lib + ": cannot open shared object file"));
        }
        return m;
    }

    private static HardwareProfile jetson(String release, String... libs) {
        return new HardwareProfile("aarch64", Optional.of(new HardwareProfile.Jetson(release, "Jetson Orin")),
                List.of(), "no NVML", "", "", Set.of(), List.of(), List.of(), libs(libs), Set.of("CPU"));
    }

    private static final String[] TRT = {HardwareProfile.NVINFER, HardwareProfile.NVONNXPARSER,
        HardwareProfile.CUDART};

    @Test
    void availabilityFollowsJetPackGpuAndLibraries() {
        String r364 = "# R36 (release), REVISION: 4.0, GCID: 1, BOARD: generic, EABI: aarch64";
        assertEquals(Optional.empty(), TensorRtRequirements.unavailable(jetson(r364, TRT)));
        assertTrue(TensorRtRequirements.unavailable(jetson("# R35 (release), REVISION: 4.1, GCID: 1, BOARD: t186ref", TRT))
                .orElseThrow().startsWith("JetPack 5.1 (L4T 35.4.1) ships TensorRT 8.5"));
        assertTrue(TensorRtRequirements.unavailable(jetson(r364, HardwareProfile.CUDART)).orElseThrow()
                .startsWith("libnvinfer.so.10 not found"));
        HardwareProfile pc = new HardwareProfile("amd64", Optional.empty(), List.of(), "no NVIDIA driver", "GenuineIntel",
                "", Set.of(), List.of(), List.of(), libs(TRT), Set.of("CPU"));
        assertTrue(TensorRtRequirements.unavailable(pc).orElseThrow().startsWith("no NVIDIA GPU and not a Jetson"));
        HardwareProfile dgpu = new HardwareProfile("amd64", Optional.empty(), List.of("RTX A2000"), "", "", "",
                Set.of(), List.of(), List.of(), libs(TRT), Set.of("CPU"));
        assertEquals(Optional.empty(), TensorRtRequirements.unavailable(dgpu));
        HardwareProfile riscv = new HardwareProfile("riscv64", Optional.empty(), List.of("x"), "", "", "", Set.of(),
                List.of(), List.of(), libs(TRT), Set.of("CPU"));
        assertTrue(TensorRtRequirements.unavailable(riscv).orElseThrow().contains("linux-x86_64 and linux-arm64 only"));
    }

    @Test
    void precisionIsFp16OnFastGpusAndInt8ForQdqModels(@TempDir Path dir) throws Exception {
        EngineOptions fp = new EngineOptions(Path.of("/m/yolox_nano.onnx"), 1);
        assertEquals("fp16", TensorRtEngine.precision(fp, true));
        assertEquals("fp32", TensorRtEngine.precision(fp, false), "no fast FP16 on the GPU");
        assertEquals("fp32", TensorRtEngine.precision(fp.withPrecision(false, false), true));
        Path qdq = io.edgecascade.engines.TinyModels.qdq(dir.resolve("model.onnx"));
        assertEquals("int8", TensorRtEngine.precision(new EngineOptions(qdq, 1), true), "a QDQ graph, whatever its name");
        assertEquals("int8", TensorRtEngine.precision(fp.withPrecision(true, true), true));
    }

    @Test
    void errorsNameTheFix() {
        assertEquals("10.6.0", TensorRtErrors.version(100600));
        assertEquals("10.3.0", TensorRtErrors.version(100300));
        assertEquals("8.6.2", TensorRtErrors.version(8602));
        assertEquals("8.5.2", TensorRtErrors.version(8502));
        assertTrue(TensorRtErrors.cuda("cudaSetDevice", 100, "no CUDA-capable device is detected").getMessage()
                .contains("--runtime nvidia"));
        assertTrue(TensorRtErrors.cuda("cudaSetDevice", 101, "invalid device ordinal").getMessage()
                .contains("engine_options.device"));
        assertTrue(TensorRtErrors.cuda("cudaMalloc", 2, "out of memory").getMessage().contains("out of memory"));
        assertTrue(TensorRtErrors.cuda("cudaSetDevice", 35, "driver too old").getMessage().contains("update the driver"));
        EngineException parse = TensorRtErrors.parse(Path.of("m.onnx"),
                List.of("Unsupported ONNX opset 21", "node 3: Resize mode"));
        assertEquals("engine tensorrt cannot parse model m.onnx: Unsupported ONNX opset 21 (and 1 more); export the model"
                + " with ONNX opset 11-17 and fixed input shapes, or use engine onnxruntime-cuda", parse.getMessage());
        assertTrue(TensorRtErrors.librariesMissing(new UnsatisfiedLinkError("no jnicudart in java.library.path"))
                .getMessage().contains("libnvinfer.so.10"));
    }

    @Test
    void openingWithoutTensorRtOnThisMachineFailsWithTheInstallHint(@TempDir Path cache) throws Exception {
        Path model = Path.of(System.getenv().getOrDefault("EDGE_CASCADE_ASSETS", "../../shared/data"))
                .resolve("models/yolox_nano.onnx");
        if (!Files.isRegularFile(model)) {
            model = Path.of("..", "..", "shared", "data", "models", "yolox_nano.onnx");
        }
        EngineOptions options = new EngineOptions(model, 1).withCacheDir(cache);
        boolean tensorRtHere = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libnvinfer.so.10"))
                || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libnvinfer.so.10"));
        if (tensorRtHere) {
            // a Jetson (or a GPU machine) with TensorRT 10: the engine must build and open, not be skipped
            try (var engine = TensorRtEngine.open(options)) {
                assertTrue(engine.info().name().equals("tensorrt"), engine.info().toString());
            }
            return;
        }
        EngineException e = assertThrows(EngineException.class, () -> TensorRtEngine.open(options));
        assertTrue(e.getMessage().startsWith("engine tensorrt is not available: "), e.getMessage());
        assertTrue(e.getMessage().contains("JetPack 6.1"), e.getMessage());
    }

    @Test
    void theJetsonModuleRegistersTensorRtThroughTheServiceLoader() {
        assertTrue(EngineRegistry.standard().names().contains("tensorrt"), EngineRegistry.standard().names().toString());
    }
}
