package io.edgecascade.app;

import io.edgecascade.cascade.pipeline.CameraSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A camera's values that change without a restart, from the web page or a config reload on SIGHUP.
 *
 * @param threshold  {@code motion.threshold}
 * @param minArea    {@code motion.min_area}
 * @param confidence {@code detector.confidence}
 */
public record Tunables(int threshold, double minArea, float confidence) {

    public static Tunables of(CameraSettings c) {
        return new Tunables(c.motion().threshold(), c.motion().minArea(), c.detector().confidence());
    }

    /** The camera with these values. */
    public CameraSettings applyTo(CameraSettings c) {
        return c.withTunables(threshold, minArea, confidence);
    }

    /** What differs from {@code before}, one {@code key old -> new} per value. */
    public List<String> changesFrom(Tunables before) {
        List<String> out = new ArrayList<>();
        if (threshold != before.threshold) {
            out.add("motion.threshold " + before.threshold + " -> " + threshold);
        }
        if (minArea != before.minArea) {
            out.add("motion.min_area " + num(before.minArea) + " -> " + num(minArea));
        }
        if (confidence != before.confidence) {
            out.add("detector.confidence " + num(before.confidence) + " -> " + num(confidence));
        }
        return out;
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%s", java.math.BigDecimal.valueOf(d).stripTrailingZeros()
                .toPlainString());
    }

    private static String num(float f) {
        return num(Double.parseDouble(Float.toString(f)));
    }
}
