package io.edgecascade.cascade.quantize;

import java.nio.FloatBuffer;

/**
 * What calibration saw of one activation tensor: its range over every frame (first pass), then a histogram of its
 * values over that range (second pass). From the histogram come the range each {@link QuantMethod} chooses and the
 * signal-to-quantization-noise ratio of an encoding, which ranks tensors for the sensitivity analysis.
 */
final class TensorHistogram {

    static final int BINS = 2048;

    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private final long[] counts = new long[BINS];
    private long total;

    /** First pass: widen the range to the values of {@code b}. */
    void observeRange(FloatBuffer b) {
        double lo = min;
        double hi = max;
        for (int i = b.position(), n = b.limit(); i < n; i++) {
            float v = b.get(i);
            if (v < lo) {
                lo = v;
            }
            if (v > hi) {
                hi = v;
            }
        }
        min = lo;
        max = hi;
    }

    /** Second pass: count the values of {@code b} into the histogram over the first pass's range. */
    void observeValues(FloatBuffer b) {
        if (!(max > min)) {
            total += b.remaining();
            counts[0] += b.remaining();
            return;
        }
        double scale = BINS / (max - min);
        for (int i = b.position(), n = b.limit(); i < n; i++) {
            int bin = (int) ((b.get(i) - min) * scale);
            counts[bin < 0 ? 0 : Math.min(BINS - 1, bin)]++;
        }
        total += b.remaining();
    }

    double min() {
        return min;
    }

    double max() {
        return max;
    }

    private double binLow(int i) {
        return min + (max - min) * i / BINS;
    }

    private double binCentre(int i) {
        return min + (max - min) * (i + 0.5) / BINS;
    }

    /** The range {@code method} keeps, the tensor read as it is. */
    double[] range(QuantMethod method) {
        return range(method, QdqPlacement.Use.IDENTITY, false);
    }

    /** The range {@code method} keeps for a tensor read through {@code use}, encoded symmetric or not. */
    double[] range(QuantMethod method, QdqPlacement.Use use, boolean symmetric) {
        if (!(max > min) || total == 0) {
            return new double[] {Math.min(0, min), Math.max(0, max)};
        }
        return switch (method) {
            case MSE -> mseRange(use, symmetric);
            case MINMAX -> new double[] {min, max};
            case PERCENTILE -> new double[] {binLow(quantileBin(1e-4)), binLow(quantileBin(1 - 1e-4) + 1)};
            case ENTROPY -> new double[] {binLow(BINS - klCut(reversed())), binLow(klCut(counts))};
        };
    }

    /** Shrink factors tried for each end of the range by {@link #mseRange}. */
    private static final int LOW_STEPS = 16;
    private static final int HIGH_STEPS = 48;

    /**
     * The range whose encoding gives the smallest mean squared error of the value as it is used: for a SiLU's input
     * the error after the SiLU, so the long negative tail (where the SiLU is about 0) is clipped and the steps go to
     * the values that matter. Each end is shrunk from the observed extreme by factors down to 1/{@value #HIGH_STEPS};
     * the error is summed over the histogram, each quantization level's used value computed once per candidate.
     */
    private double[] mseRange(QdqPlacement.Use use, boolean symmetric) {
        double lo0 = Math.min(0, min);
        double hi0 = Math.max(0, max);
        double[] used = new double[BINS];
        for (int i = 0; i < BINS; i++) {
            used[i] = use.apply(binCentre(i));
        }
        double best = Double.POSITIVE_INFINITY;
        double[] range = {lo0, hi0};
        int lowSteps = symmetric || lo0 == 0 ? 1 : LOW_STEPS;
        double[] level = new double[256];
        for (int a = 0; a < lowSteps; a++) {
            double lo = lo0 * (lowSteps - a) / lowSteps;
            for (int b = 0; b < HIGH_STEPS; b++) {
                double hi = hi0 * (HIGH_STEPS - b) / HIGH_STEPS;
                if (symmetric) {
                    double m = Math.max(-lo0, hi0) * (HIGH_STEPS - b) / HIGH_STEPS;
                    lo = -m;
                    hi = m;
                }
                if (!(hi > lo)) {
                    continue;
                }
                QuantParams p = QuantParams.of(lo, hi, symmetric);
                int qmin = QuantParams.qmin(p.unsigned());
                for (int q = 0; q < 256; q++) {
                    level[q] = use.apply((q + qmin - p.zeroPoint()) * (double) p.scale());
                }
                double err = 0;
                for (int i = 0; i < BINS && err < best; i++) {
                    if (counts[i] == 0) {
                        continue;
                    }
                    long q = Math.round(binCentre(i) / p.scale()) + p.zeroPoint();
                    q = Math.max(qmin, Math.min(QuantParams.qmax(p.unsigned()), q));
                    double e = used[i] - level[(int) q - qmin];
                    err += counts[i] * e * e;
                }
                if (err < best) {
                    best = err;
                    range = new double[] {lo, hi};
                }
            }
        }
        return range;
    }

    private int quantileBin(double q) {
        long target = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BINS; i++) {
            seen += counts[i];
            if (seen >= target) {
                return i;
            }
        }
        return BINS - 1;
    }

    private long[] reversed() {
        long[] r = new long[BINS];
        for (int i = 0; i < BINS; i++) {
            r[i] = counts[BINS - 1 - i];
        }
        return r;
    }

    /**
     * TensorRT's entropy calibration on one tail: the number of leading bins to keep (everything beyond folded into
     * the last kept bin) that minimises KL(P || Q), Q being P merged into 256 levels and spread back.
     */
    static int klCut(long[] h) {
        int levels = 256;
        int best = BINS;
        double bestKl = Double.POSITIVE_INFINITY;
        for (int keep = levels; keep <= BINS; keep += 16) {
            double[] p = new double[keep];
            for (int i = 0; i < keep; i++) {
                p[i] = h[i];
            }
            for (int i = keep; i < BINS; i++) {
                p[keep - 1] += h[i];
            }
            double[] q = new double[keep];
            double per = (double) keep / levels;
            for (int l = 0; l < levels; l++) {
                int from = (int) Math.floor(l * per);
                int to = Math.min(keep, (int) Math.ceil((l + 1) * per));
                double sum = 0;
                int nonzero = 0;
                for (int i = from; i < to; i++) {
                    sum += h[i];
                    if (h[i] != 0) {
                        nonzero++;
                    }
                }
                for (int i = from; i < to; i++) {
                    if (h[i] != 0) {
                        q[i] = sum / nonzero;
                    }
                }
            }
            double kl = kl(p, q);
            if (kl < bestKl) {
                bestKl = kl;
                best = keep;
            }
        }
        return best;
    }

    private static double kl(double[] p, double[] q) {
        double ps = 0;
        double qs = 0;
        for (int i = 0; i < p.length; i++) {
            ps += p[i];
            qs += q[i];
        }
        if (ps == 0 || qs == 0) {
            return 0;
        }
        double kl = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                double pi = p[i] / ps;
                double qi = q[i] > 0 ? q[i] / qs : 1e-12;
                kl += pi * Math.log(pi / qi);
            }
        }
        return kl;
    }

    /**
     * Signal-to-quantization-noise ratio in dB of encoding this tensor with {@code params}, estimated from the
     * histogram (each bin at its centre); the lower, the more the tensor suffers from int8.
     */
    double sqnrDb(QuantParams params) {
        return sqnrDb(params, QdqPlacement.Use.IDENTITY);
    }

    /** {@link #sqnrDb(QuantParams)} of the value as its readers use it (after the SiLU, say), not the raw value. */
    double sqnrDb(QuantParams params, QdqPlacement.Use use) {
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < BINS; i++) {
            if (counts[i] == 0) {
                continue;
            }
            double y = use.apply(binCentre(i));
            double e = y - use.apply(params.fakeQuantize(binCentre(i)));
            signal += counts[i] * y * y;
            noise += counts[i] * e * e;
        }
        if (noise == 0) {
            return 200;
        }
        return 10 * Math.log10(Math.max(signal, 1e-30) / noise);
    }
}
