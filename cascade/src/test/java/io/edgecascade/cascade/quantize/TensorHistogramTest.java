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
}
