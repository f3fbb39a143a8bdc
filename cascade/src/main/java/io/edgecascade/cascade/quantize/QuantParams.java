package io.edgecascade.cascade.quantize;

/**
 * The 8-bit encoding of one activation: {@code q = clamp(round(x / scale) + zeroPoint, qmin, qmax)}, in uint8
 * (asymmetric, the layout ONNX Runtime's x86 kernels run fastest) or int8 with zero point 0 (symmetric, as TensorRT
 * requires).
 *
 * @param scale     real value of one step, > 0
 * @param zeroPoint the code of 0.0
 * @param unsigned  uint8 codes 0..255, else int8 -128..127
 */
public record QuantParams(float scale, int zeroPoint, boolean unsigned) {

    public QuantParams {
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
        }
        if (zeroPoint < qmin(unsigned) || zeroPoint > qmax(unsigned)) {
            throw new IllegalArgumentException("zero point out of range: " + zeroPoint);
        }
    }

    static int qmin(boolean unsigned) {
        return unsigned ? 0 : -128;
    }

    static int qmax(boolean unsigned) {
        return unsigned ? 255 : 127;
    }

    /** The encoding of the range {@code [lo, hi]}, widened to contain 0 (so that padding zeros stay exact). */
    public static QuantParams of(double lo, double hi, boolean symmetric) {
        lo = Math.min(lo, 0);
        hi = Math.max(hi, 0);
        if (symmetric) {
            double m = Math.max(Math.abs(lo), Math.abs(hi));
            return new QuantParams((float) Math.max(m / 127.0, 1e-8), 0, false);
        }
        double scale = Math.max((hi - lo) / 255.0, 1e-8);
        int zp = (int) Math.round(-lo / scale);
        return new QuantParams((float) scale, Math.max(0, Math.min(255, zp)), true);
    }

    /** {@code x} quantized and dequantized again. */
    public double fakeQuantize(double x) {
        long q = Math.round(x / scale) + zeroPoint;
        q = Math.max(qmin(unsigned), Math.min(qmax(unsigned), q));
        return (q - zeroPoint) * (double) scale;
    }
}
