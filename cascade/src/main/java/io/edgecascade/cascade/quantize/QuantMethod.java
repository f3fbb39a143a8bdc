package io.edgecascade.cascade.quantize;

import java.util.Locale;

/** How an activation's range is chosen from its calibration histogram. */
public enum QuantMethod {
    /**
     * The range with the smallest mean squared error of the value as its readers use it (after the SiLU for a
     * Conv's output): the default, the one that keeps a fully integer model closest to FP32.
     */
    MSE,
    /** The observed minimum and maximum: nothing clipped, coarser steps. */
    MINMAX,
    /** The 0.01th and 99.99th percentiles: rare outliers clipped. */
    PERCENTILE,
    /** Each tail cut where the KL divergence between the clipped and the quantized histogram is smallest. */
    ENTROPY;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code mse|minmax|percentile|entropy}. */
    public static QuantMethod parse(String s) throws QuantizeException {
        for (QuantMethod m : values()) {
            if (m.id().equals(s)) {
                return m;
            }
        }
        throw new QuantizeException("--method '" + s + "' is not known; use mse, minmax, percentile or entropy");
    }
}
