package io.edgecascade.cascade.quantize;

import java.util.Locale;

/** How an activation's range is chosen from its calibration histogram. */
public enum QuantMethod {
    /** The observed minimum and maximum: nothing clipped, coarser steps. */
    MINMAX,
    /** The 0.01th and 99.99th percentiles: rare outliers clipped. */
    PERCENTILE,
    /** Each tail cut where the KL divergence between the clipped and the quantized histogram is smallest. */
    ENTROPY;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code minmax|percentile|entropy}. */
    public static QuantMethod parse(String s) throws QuantizeException {
        for (QuantMethod m : values()) {
            if (m.id().equals(s)) {
                return m;
            }
        }
        throw new QuantizeException("--method '" + s + "' is not known; use minmax, percentile or entropy");
    }
}
