package io.edgecascade.engines.probe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the box has, as far as choosing an inference engine goes.
 *
 * @param arch            {@code os.arch}, e.g. {@code amd64}, {@code aarch64}
 * @param jetson          the Jetson, when this is one
 * @param nvidiaGpus      GPUs the NVIDIA driver reports (empty on Jetson, whose iGPU has no NVML)
 * @param nvidiaStatus    why {@code nvidiaGpus} is empty, else empty
 * @param cpuVendor       {@code vendor_id} of /proc/cpuinfo, e.g. {@code GenuineIntel}, {@code AuthenticAMD}; empty
 *                        when unknown (arm64 has none)
 * @param cpuModel        {@code model name} of /proc/cpuinfo
 * @param cpuFeatures     of interest to inference: {@code avx2}, {@code avx512_vnni}, {@code amx}, {@code neon}
 * @param intelGpus       render nodes of Intel GPUs, e.g. {@code /dev/dri/renderD128}
 * @param npus            accelerator nodes, e.g. {@code /dev/accel/accel0} (Intel NPU)
 * @param libraries       the native libraries the engines need, by name
 * @param ortProviders    execution providers compiled into the ONNX Runtime jar on the class path
 */
public record HardwareProfile(String arch, Optional<Jetson> jetson, List<String> nvidiaGpus, String nvidiaStatus,
        String cpuVendor, String cpuModel, Set<String> cpuFeatures, List<String> intelGpus, List<String> npus,
        Map<String, LibraryStatus> libraries, Set<String> ortProviders) {

    /** The libraries probed, by the name engines ask for. */
    public static final String OPENVINO = "libopenvino_c.so";
    public static final String CUDART = "libcudart.so.12";
    public static final String CUDNN = "libcudnn.so.9";
    public static final String NVINFER = "libnvinfer.so.10";
    public static final String NVONNXPARSER = "libnvonnxparser.so.10";

    public static final List<String> PROBED_LIBRARIES = List.of(OPENVINO, CUDART, CUDNN, NVINFER, NVONNXPARSER);

    public HardwareProfile {
        nvidiaGpus = List.copyOf(nvidiaGpus);
        cpuFeatures = Set.copyOf(cpuFeatures);
        intelGpus = List.copyOf(intelGpus);
        npus = List.copyOf(npus);
        libraries = Map.copyOf(libraries);
        ortProviders = Set.copyOf(ortProviders);
    }

    /**
     * A Jetson module.
     *
     * @param release first line of {@code /etc/nv_tegra_release}, e.g. {@code # R36 (release), REVISION: 4.0, ...}
     * @param model   {@code /proc/device-tree/model}, e.g. {@code NVIDIA Jetson Orin Nano Developer Kit}
     */
    public record Jetson(String release, String model) {
    }

    public boolean isJetson() {
        return jetson.isPresent();
    }

    public boolean hasNvidiaGpu() {
        return !nvidiaGpus.isEmpty();
    }

    /** Intel CPU, Intel GPU or an NPU (Intel is the only NPU vendor OpenVINO drives). */
    public boolean isIntel() {
        return "GenuineIntel".equals(cpuVendor) || !intelGpus.isEmpty() || !npus.isEmpty();
    }

    /** Whether a probed library loads; false for libraries that were not probed. */
    public boolean loads(String library) {
        LibraryStatus s = libraries.get(library);
        return s != null && s.loaded();
    }

    /** Why a library does not load, for messages. */
    public String whyNot(String library) {
        LibraryStatus s = libraries.get(library);
        if (s == null) {
            return library + " was not probed";
        }
        return s.loaded() ? "" : library + " not found" + (s.detail().isBlank() ? "" : " (" + s.detail() + ")");
    }

    /** For {@code probe --json}: plain maps, lists and strings in a stable order. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arch", arch);
        m.put("jetson", jetson.map(j -> (Object) Map.of("release", j.release(), "model", j.model())).orElse(null));
        Map<String, Object> nvidia = new LinkedHashMap<>();
        nvidia.put("gpus", nvidiaGpus);
        if (!nvidiaStatus.isEmpty()) {
            nvidia.put("status", nvidiaStatus);
        }
        m.put("nvidia", nvidia);
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("vendor", cpuVendor);
        cpu.put("model", cpuModel);
        cpu.put("features", cpuFeatures.stream().sorted().toList());
        m.put("cpu", cpu);
        m.put("intel_gpus", intelGpus);
        m.put("npus", npus);
        Map<String, Object> libs = new LinkedHashMap<>();
        for (String name : PROBED_LIBRARIES) {
            LibraryStatus s = libraries.get(name);
            if (s != null) {
                libs.put(name, s.loaded() ? "loaded" : "missing" + (s.detail().isBlank() ? "" : ": " + s.detail()));
            }
        }
        m.put("libraries", libs);
        m.put("onnxruntime_providers", ortProviders.stream().sorted().toList());
        return m;
    }
}
