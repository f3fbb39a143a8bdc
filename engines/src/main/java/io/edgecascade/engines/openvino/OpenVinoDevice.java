package io.edgecascade.engines.openvino;

import io.edgecascade.engines.EngineException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Device names OpenVINO compiles for: {@code CPU}, {@code GPU} (or {@code GPU.1}), {@code NPU}, {@code AUTO}. */
public final class OpenVinoDevice {

    /** What a user may write; {@code AUTO:GPU,CPU} style priority lists and {@code GPU.n} are accepted too. */
    public static final List<String> NAMES = List.of("AUTO", "CPU", "GPU", "NPU");

    private static final Pattern SINGLE = Pattern.compile("(CPU|GPU|NPU)(\\.\\d+)?");
    private static final Pattern VIRTUAL = Pattern.compile("(AUTO|MULTI|HETERO):((CPU|GPU|NPU)(\\.\\d+)?)"
            + "(,(CPU|GPU|NPU)(\\.\\d+)?)*");

    private OpenVinoDevice() {
    }

    /** Normalizes a configured device: empty means {@code AUTO}, case is ignored. */
    public static String parse(String device) throws EngineException {
        String d = device == null ? "" : device.trim().toUpperCase(Locale.ROOT);
        if (d.isEmpty() || d.equals("AUTO")) {
            return "AUTO";
        }
        if (SINGLE.matcher(d).matches() || VIRTUAL.matcher(d).matches()) {
            return d;
        }
        throw new EngineException("engine openvino: device '" + device + "' is not an OpenVINO device; use one of "
                + NAMES + " (or GPU.1, AUTO:GPU,CPU)");
    }

    /** The device class a compiled-model property applies to: {@code GPU.1 -> GPU}, {@code AUTO:GPU -> AUTO}. */
    static String family(String device) {
        int cut = device.length();
        for (char c : new char[] {'.', ':'}) {
            int i = device.indexOf(c);
            if (i >= 0) {
                cut = Math.min(cut, i);
            }
        }
        return device.substring(0, cut);
    }

    /**
     * The compile properties (key/value pairs, as the C API takes them) for a device: latency over throughput
     * (one frame at a time), FP16 on GPU/NPU only when allowed, CPU threads, and a model cache.
     */
    static List<String> properties(String device, int threads, boolean fp16, String cacheDir) {
        String family = family(device);
        var p = new java.util.ArrayList<String>(List.of("PERFORMANCE_HINT", "LATENCY"));
        if (family.equals("CPU")) {
            p.addAll(List.of("INFERENCE_NUM_THREADS", Integer.toString(threads)));
            if (!fp16) {
                // CPUs with AMX default to bf16; without fp16 allowed, keep full precision
                p.addAll(List.of("INFERENCE_PRECISION_HINT", "f32"));
            }
        } else if (family.equals("GPU")) {
            p.addAll(List.of("INFERENCE_PRECISION_HINT", fp16 ? "f16" : "f32"));
        }
        if (cacheDir != null && !family.equals("CPU")) {
            // GPU/NPU compilation takes seconds; the cache makes the next start fast
            p.addAll(List.of("CACHE_DIR", cacheDir));
        }
        return List.copyOf(p);
    }
}
