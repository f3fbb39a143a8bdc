package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.source.HardwareDecoders;
import io.edgecascade.cascade.source.HwAccel;
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

    @Test
    @SuppressWarnings("unchecked")
    void probeListsTheHardwareDecodersWithWhyNotAndWhatAutoTries() throws Exception {
        Cli text = Cli.run("probe");
        assertEquals(0, text.exitCode(), text.toString());
        List<String> lines = text.out().lines().toList();
        int at = lines.indexOf(lines.stream().filter(l -> l.startsWith("hardware video decoders (H.264, FFmpeg "))
                .findFirst().orElseThrow(() -> new AssertionError(text.out())));
        List<String> names = List.of("cuda", "vaapi", "qsv", "v4l2m2m");
        for (int i = 0; i < names.size(); i++) {
            String line = lines.get(at + 1 + i).strip();
            assertTrue(line.matches(names.get(i) + " +(available|unavailable: .+)"), line);
        }
        // JavaCV's FFmpeg is built without VA-API and Quick Sync: probe says so rather than "no render node"
        assertTrue(lines.get(at + 2).contains("unavailable: not in this FFmpeg build (it has "), lines.get(at + 2));
        assertEquals("decoder (hwaccel: auto): " + HardwareDecoders.choose(HwAccel.AUTO, null).summary(),
                lines.get(at + 5));

        Cli json = Cli.run("probe", "--json");
        Map<String, Object> r = new ObjectMapper().readValue(json.out(), Map.class);
        List<Map<String, Object>> decoders = (List<Map<String, Object>>) r.get("decoders");
        assertEquals(names, decoders.stream().map(d -> d.get("hwaccel")).toList());
        for (Map<String, Object> d : decoders) {
            assertEquals(d.get("reason") == null, d.get("available"), d.toString());
        }
        assertEquals(HardwareDecoders.choose(HwAccel.AUTO, null).summary(), r.get("decoder_selected"));
    }
}
