package io.edgecascade.cascade.source;

import java.util.Arrays;
import java.util.Locale;

/** A camera's {@code hwaccel:}: which hardware decoder to try before FFmpeg's software one. */
public enum HwAccel {
    /** what this box has, in the order NVDEC, VA-API, Quick Sync, V4L2 M2M; software if none opens */
    AUTO,
    /** FFmpeg's software decoder only */
    NONE,
    /** VA-API on a render node (Intel and AMD GPUs) */
    VAAPI,
    /** Intel Quick Sync */
    QSV,
    /** NVIDIA NVDEC through CUDA */
    CUDA,
    /** a V4L2 memory-to-memory decoder (Jetson, Raspberry Pi and other ARM boards) */
    V4L2M2M;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a config value; the exception's message lists what is allowed. */
    public static HwAccel parse(String s) {
        for (HwAccel a : values()) {
            if (a.id().equals(s)) {
                return a;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not allowed; use one of "
                + String.join(", ", Arrays.stream(values()).map(HwAccel::id).toList()));
    }
}
