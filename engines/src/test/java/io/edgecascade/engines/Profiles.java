package io.edgecascade.engines;

import io.edgecascade.engines.probe.HardwareProfile;
import io.edgecascade.engines.probe.LibraryStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Hardware profiles of the machines edge-cascade meets, for selector tests. */
final class Profiles {

    private Profiles() {
    }

    static Map<String, LibraryStatus> libs(String... present) {
        Map<String, LibraryStatus> m = new LinkedHashMap<>();
        for (String lib : HardwareProfile.PROBED_LIBRARIES) {
            m.put(lib, List.of(present).contains(lib) ? LibraryStatus.loaded(lib)
                    : LibraryStatus.missing(lib, lib + ": cannot open shared object file"));
        }
        return m;
    }

    static HardwareProfile jetsonOrin() {
        return new HardwareProfile("aarch64", Optional.of(new HardwareProfile.Jetson(
                "# R36 (release), REVISION: 4.0, GCID: 37537400, BOARD: generic, EABI: aarch64",
                "NVIDIA Jetson Orin Nano Developer Kit")), List.of(), "no NVIDIA driver: libnvidia-ml.so.1 not found",
                "", "", Set.of("neon"), List.of(), List.of(),
                libs(HardwareProfile.CUDART, HardwareProfile.NVINFER, HardwareProfile.NVONNXPARSER), Set.of("CPU"));
    }

    /** A server with an NVIDIA GPU, CUDA, cuDNN and TensorRT, running the -Pgpu build. */
    static HardwareProfile dgpuWithTensorRt() {
        return new HardwareProfile("amd64", Optional.empty(), List.of("NVIDIA RTX A2000"), "", "AuthenticAMD",
                "AMD EPYC", Set.of("avx2"), List.of(), List.of(), libs(HardwareProfile.CUDART, HardwareProfile.CUDNN,
                        HardwareProfile.NVINFER, HardwareProfile.NVONNXPARSER), Set.of("CPU", "CUDA", "TENSOR_RT"));
    }

    /** The same GPU, but no TensorRT libraries. */
    static HardwareProfile dgpuCudaOnly() {
        return new HardwareProfile("amd64", Optional.empty(), List.of("NVIDIA T4"), "", "GenuineIntel", "Xeon",
                Set.of("avx2"), List.of(), List.of(), libs(HardwareProfile.CUDART, HardwareProfile.CUDNN),
                Set.of("CPU", "CUDA", "TENSOR_RT"));
    }

    static HardwareProfile intelNucWithOpenVino() {
        return new HardwareProfile("amd64", Optional.empty(), List.of(), "no NVIDIA driver", "GenuineIntel",
                "Intel(R) Core(TM) Ultra 7 155H", Set.of("avx2", "avx_vnni"), List.of("/dev/dri/renderD128"),
                List.of("/dev/accel/accel0"), libs(HardwareProfile.OPENVINO), Set.of("CPU"));
    }

    static HardwareProfile intelNucWithoutOpenVino() {
        return new HardwareProfile("amd64", Optional.empty(), List.of(), "no NVIDIA driver", "GenuineIntel",
                "Intel(R) Core(TM) i5-1135G7", Set.of("avx2", "avx512_vnni"), List.of("/dev/dri/renderD128"),
                List.of(), libs(), Set.of("CPU"));
    }

    /** OpenVINO installed on an AMD box: not Intel, so not chosen. */
    static HardwareProfile amdWithOpenVino() {
        return new HardwareProfile("amd64", Optional.empty(), List.of(), "no NVIDIA driver", "AuthenticAMD",
                "AMD Ryzen 7", Set.of("avx2"), List.of(), List.of(), libs(HardwareProfile.OPENVINO), Set.of("CPU"));
    }

    static HardwareProfile bareArm() {
        return new HardwareProfile("aarch64", Optional.empty(), List.of(), "no NVIDIA driver", "", "",
                Set.of("neon"), List.of(), List.of(), libs(), Set.of("CPU"));
    }
}
