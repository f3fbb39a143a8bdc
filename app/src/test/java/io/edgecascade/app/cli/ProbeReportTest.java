package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgecascade.engines.EngineRegistry;
import io.edgecascade.engines.probe.HardwareProfile;
import io.edgecascade.engines.probe.LibraryStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code probe}'s report for described machines, with the real engine factories judging availability. */
class ProbeReportTest {

    private static Map<String, LibraryStatus> libs(String... present) {
        Map<String, LibraryStatus> m = new LinkedHashMap<>();
        for (String lib : HardwareProfile.PROBED_LIBRARIES) {
            m.put(lib, List.of(present).contains(lib) ? LibraryStatus.loaded(lib) : LibraryStatus.missing(lib, ""));
        }
        return m;
    }

    private static Map<String, Object> report(HardwareProfile hw) {
        return ProbeCommand.report(new EngineRegistry(EngineRegistry.standardFactories(), () -> hw).selector());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Boolean> available(Map<String, Object> report) {
        Map<String, Boolean> m = new LinkedHashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) report.get("engines")) {
            m.put((String) e.get("name"), (Boolean) e.get("available"));
        }
        return m;
    }

    @Test
    void aJetsonWithJetPack61SelectsNativeTensorRt() {
        HardwareProfile orin = new HardwareProfile("aarch64", Optional.of(new HardwareProfile.Jetson(
                "# R36 (release), REVISION: 4.3, GCID: 1, BOARD: generic, EABI: aarch64", "Jetson AGX Orin")), List.of(),
                "no NVML", "", "", Set.of("neon"), List.of(), List.of(),
                libs(HardwareProfile.NVINFER, HardwareProfile.NVONNXPARSER, HardwareProfile.CUDART), Set.of("CPU"));
        Map<String, Object> r = report(orin);
        assertEquals("tensorrt", r.get("selected"));
        assertEquals(Map.of("onnxruntime-cpu", true, "onnxruntime-cuda", false, "onnxruntime-tensorrt", false,
                "openvino", false, "tensorrt", true), available(r));
    }

    @Test
    void anIntelNucWithOpenVinoSelectsOpenVino() {
        HardwareProfile nuc = new HardwareProfile("amd64", Optional.empty(), List.of(), "no NVIDIA driver",
                "GenuineIntel", "Intel Core Ultra", Set.of("avx2"), List.of("/dev/dri/renderD128"),
                List.of("/dev/accel/accel0"), libs(HardwareProfile.OPENVINO), Set.of("CPU"));
        Map<String, Object> r = report(nuc);
        assertEquals("openvino", r.get("selected"));
        assertEquals(true, available(r).get("openvino"));
        assertEquals(false, available(r).get("tensorrt"));
    }

    @Test
    void aGpuServerOnTheGpuBuildSelectsOnnxRuntimeTensorRt() {
        HardwareProfile server = new HardwareProfile("amd64", Optional.empty(), List.of("NVIDIA L4"), "", "AuthenticAMD",
                "EPYC", Set.of("avx2"), List.of(), List.of(), libs(HardwareProfile.CUDART, HardwareProfile.CUDNN,
                        HardwareProfile.NVINFER, HardwareProfile.NVONNXPARSER), Set.of("CPU", "CUDA", "TENSOR_RT"));
        Map<String, Object> r = report(server);
        assertEquals("onnxruntime-tensorrt", r.get("selected"));
        assertEquals(Map.of("onnxruntime-cpu", true, "onnxruntime-cuda", true, "onnxruntime-tensorrt", true,
                "openvino", false, "tensorrt", true), available(r));
    }

    @Test
    void theSameServerOnTheCpuBuildStillPicksCudaAndProbeSaysWhyItCannotRun() {
        HardwareProfile server = new HardwareProfile("amd64", Optional.empty(), List.of("NVIDIA L4"), "", "AuthenticAMD",
                "EPYC", Set.of("avx2"), List.of(), List.of(), libs(HardwareProfile.CUDART, HardwareProfile.CUDNN),
                Set.of("CPU"));
        Map<String, Object> r = report(server);
        assertEquals("onnxruntime-cuda", r.get("selected"), "the box's class decides; loading it falls back with a WARN");
        assertEquals(false, available(r).get("onnxruntime-cuda"));
    }
}
