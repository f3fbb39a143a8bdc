package io.edgecascade.jetson;

import io.edgecascade.engines.probe.HardwareProfile;
import java.util.List;
import java.util.Optional;

/** What the native TensorRT engine needs, judged from the hardware probe alone. */
final class TensorRtRequirements {

    private TensorRtRequirements() {
    }

    /** A Jetson with JetPack 6.1+, or an NVIDIA GPU, plus the TensorRT 10 and CUDA 12 libraries. */
    static Optional<String> unavailable(HardwareProfile hw) {
        String arch = hw.arch();
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            return Optional.of("no TensorRT preset for " + arch + " (linux-x86_64 and linux-arm64 only)");
        }
        if (hw.jetson().isPresent()) {
            Optional<TegraRelease> l4t = TegraRelease.parse(hw.jetson().get().release(), hw.jetson().get().model());
            if (l4t.isPresent()) {
                Optional<String> why = JetPack.unsupported(l4t.get());
                if (why.isPresent()) {
                    return why;
                }
            }
        } else if (!hw.hasNvidiaGpu()) {
            return Optional.of("no NVIDIA GPU and not a Jetson (" + hw.nvidiaStatus() + ")");
        }
        for (String lib : List.of(HardwareProfile.NVINFER, HardwareProfile.NVONNXPARSER, HardwareProfile.CUDART)) {
            if (!hw.loads(lib)) {
                return Optional.of(hw.whyNot(lib) + "; " + TensorRtErrors.INSTALL);
            }
        }
        return Optional.empty();
    }

}
