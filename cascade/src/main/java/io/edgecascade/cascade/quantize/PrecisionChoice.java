package io.edgecascade.cascade.quantize;

import java.util.Locale;

/**
 * {@code model.precision: auto}: of the FP32 model and its INT8 copy, the one that runs faster on the engine at hand,
 * measured at start-up. A tie goes to FP32 (the exact one), so auto never picks the slower precision.
 *
 * @param precision {@code fp32} or {@code int8}
 * @param fp32Ms    measured milliseconds per inference of the FP32 model
 * @param int8Ms    of the INT8 model
 */
public record PrecisionChoice(String precision, double fp32Ms, double int8Ms) {

    /** Times a model on the engine; the real one runs it, unit tests fake it. */
    @FunctionalInterface
    public interface Timing {
        double millisPerInference(String precision) throws Exception;
    }

    public static PrecisionChoice measure(Timing timing) throws Exception {
        double fp32 = timing.millisPerInference("fp32");
        double int8 = timing.millisPerInference("int8");
        return new PrecisionChoice(int8 < fp32 ? "int8" : "fp32", fp32, int8);
    }

    /** For the log: which and why. */
    public String reason() {
        return String.format(Locale.ROOT, "%s (%.2f ms FP32, %.2f ms INT8 per inference measured at start-up)",
                precision.toUpperCase(Locale.ROOT), fp32Ms, int8Ms);
    }
}
