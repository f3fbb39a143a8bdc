package io.edgecascade.cascade.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TensorHistogramTest {

    /** Mostly 0..4 with a few outliers at 100: the shape of a post-SiLU activation with rare spikes. */
    private static TensorHistogram spiky() {
        Random r = new Random(1);
        float[] v = new float[200_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 20_000 == 0 ? 100f : (float) Math.abs(r.nextGaussian()) * 1.3f - 0.2f;
        }
        TensorHistogram h = new TensorHistogram();
        h.observeRange(FloatBuffer.wrap(v));
        h.observeValues(FloatBuffer.wrap(v));
        return h;
    }

    @Test
    void minmaxKeepsEverythingWhilePercentileAndEntropyClipTheSpikes() {
        TensorHistogram h = spiky();
        double[] minmax = h.range(QuantMethod.MINMAX);
        assertEquals(100, minmax[1], 1e-3);
        assertEquals(h.min(), minmax[0], 1e-9);
        double[] pct = h.range(QuantMethod.PERCENTILE);
        assertTrue(pct[1] < 10, "percentile clips rare spikes: " + pct[1]);
        double[] ent = h.range(QuantMethod.ENTROPY);
        assertTrue(ent[1] < 100 && ent[1] > 2, "entropy clips but keeps the bulk: " + ent[1]);
        assertTrue(h.sqnrDb(QuantParams.of(pct[0], pct[1], false))
                > h.sqnrDb(QuantParams.of(minmax[0], minmax[1], false)) - 30, "both are finite measures");
    }

    @Test
    void encodingsStayInRangeAndKeepZeroExact() {
        QuantParams u = QuantParams.of(-0.28, 7.5, false);
        assertTrue(u.unsigned() && u.zeroPoint() >= 0 && u.zeroPoint() <= 255);
        assertEquals(0.0, u.fakeQuantize(0.0), 1e-12);
        QuantParams s = QuantParams.of(-3, 2, true);
        assertEquals(0, s.zeroPoint());
        assertEquals(3 / 127.0, s.scale(), 1e-6);
        assertEquals(3.0, s.fakeQuantize(50), 1e-5, "values beyond the range clip");
        QuantParams flat = QuantParams.of(0, 0, false);
        assertTrue(flat.scale() > 0, "a constant tensor still gets a valid scale");
    }

    @Test
    void mseForASiluInputClipsTheNegativeTailTheSiluFlattens() {
        // a pre-activation: mostly -1..3, a long negative tail to -60 and a rare positive spike to 40
        Random r = new Random(2);
        float[] v = new float[200_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 50_000 == 0 ? 40f : i % 97 == 0 ? -60f * r.nextFloat() : (float) r.nextGaussian() * 1.2f + 1f;
        }
        TensorHistogram h = new TensorHistogram();
        h.observeRange(FloatBuffer.wrap(v));
        h.observeValues(FloatBuffer.wrap(v));
        double[] silu = h.range(QuantMethod.MSE, QdqPlacement.Use.SILU, false);
        double[] raw = h.range(QuantMethod.MSE, QdqPlacement.Use.IDENTITY, false);
        double[] minmax = h.range(QuantMethod.MINMAX);
        assertTrue(silu[0] > -20, "below about -6 the SiLU is 0: the tail is clipped " + silu[0]);
        assertTrue(silu[0] > raw[0], "further than for the raw value: " + silu[0] + " vs " + raw[0]);
        QuantParams chosen = QuantParams.of(silu[0], silu[1], false);
        QuantParams all = QuantParams.of(minmax[0], minmax[1], false);
        assertTrue(h.sqnrDb(chosen, QdqPlacement.Use.SILU) > h.sqnrDb(all, QdqPlacement.Use.SILU) + 6,
                "at least 6 dB better after the SiLU than the min..max range");
        double[] sym = h.range(QuantMethod.MSE, QdqPlacement.Use.SILU, true);
        assertEquals(-sym[0], sym[1], 1e-9, "symmetric ranges stay symmetric");
    }
}
