package io.edgecascade.jetson;

import java.util.Optional;

/**
 * What a Jetson's L4T release means for native TensorRT. The JavaCPP {@code tensorrt} preset this build uses
 * (10.6-1.5.11, with {@code cuda} 12.6-9.5-1.5.11) links against {@code libnvinfer.so.10} and
 * {@code libcudart.so.12}: JetPack 6.1 and later (L4T R36.4+, TensorRT 10.3, CUDA 12.6) provide them; older JetPacks
 * ship TensorRT 8 or CUDA 11 and cannot run it.
 *
 * @param jetpack  the JetPack release, e.g. "6.1"
 * @param tensorrt the TensorRT version it ships
 * @param cuda     the CUDA version it ships
 */
public record JetPack(String jetpack, String tensorrt, String cuda) {

    /** The oldest L4T whose TensorRT this build's preset loads. */
    public static final String MIN_L4T = "36.4";

    /** The JetPack of an L4T release, as far as NVIDIA's release notes go. */
    public static Optional<JetPack> of(TegraRelease l4t) {
        int major = l4t.major();
        int minor = minor(l4t.revision());
        if (major > 36 || major == 36 && minor >= 4) {
            return Optional.of(new JetPack("6.1+", "10.3", "12.6"));
        }
        if (major == 36) {
            return Optional.of(new JetPack("6.0", "8.6", "12.2"));
        }
        if (major == 35) {
            return Optional.of(new JetPack("5.1", "8.5", "11.4"));
        }
        if (major == 34) {
            return Optional.of(new JetPack("5.0", "8.4", "11.4"));
        }
        if (major == 32) {
            return Optional.of(new JetPack("4.6", "8.2", "10.2"));
        }
        return Optional.empty();
    }

    /** Whether this build's TensorRT preset runs on the release; when not, why and what to do. */
    public static Optional<String> unsupported(TegraRelease l4t) {
        Optional<JetPack> jp = of(l4t);
        if (jp.isPresent() && jp.get().tensorrt().startsWith("10")) {
            return Optional.empty();
        }
        String what = jp.map(j -> "JetPack " + j.jetpack() + " (L4T " + l4t.l4tVersion() + ") ships TensorRT "
                + j.tensorrt() + " and CUDA " + j.cuda()).orElse("L4T " + l4t.l4tVersion() + " is not a known JetPack");
        return Optional.of(what + ", but this build's TensorRT engine needs TensorRT 10 and CUDA 12 (JetPack 6.1 or"
                + " later, L4T " + MIN_L4T + "+); flash JetPack 6.1+, or use engine onnxruntime-cpu");
    }

    private static int minor(String revision) {
        int dot = revision.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? revision : revision.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
