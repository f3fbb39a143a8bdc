package io.edgecascade.cascade.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesWithinAThousandth() {
        LatencyHistogram s = new LatencyHistogram();
        for (int ms = 100; ms >= 1; ms--) { // 1..100 ms, added out of order
            s.record(ms * 1_000_000L);
        }
        assertEquals(50.0, s.percentileMillis(0.50), 0.05);
        assertEquals(95.0, s.percentileMillis(0.95), 0.1);
        assertEquals(99.0, s.percentileMillis(0.99), 0.1);
        assertEquals(50.5, s.meanMillis(), 0.05);
        assertEquals(100, s.count());
    }

    @Test
    void oneSampleIsEveryPercentile() {
        LatencyHistogram s = new LatencyHistogram();
        s.record(2_500_000);
        assertEquals(2.5, s.percentileMillis(0.5), 0.003);
        assertEquals(2.5, s.percentileMillis(0.99), 0.003);
        assertEquals(1, s.count());
    }

    @Test
    void noSamplesIsNaNNotZero() {
        LatencyHistogram s = new LatencyHistogram();
        assertTrue(Double.isNaN(s.percentileMillis(0.5)));
        assertTrue(Double.isNaN(s.meanMillis()));
    }

    @Test
    void manySamplesOverAWideRangeKeepTheirShape() {
        LatencyHistogram s = new LatencyHistogram();
        for (int i = 0; i < 100_000; i++) {
            s.record(i % 2 == 0 ? 1_000 : 5_000_000_000L); // 1 us and 5 s
        }
        assertEquals(100_000, s.count());
        assertEquals(0.001, s.percentileMillis(0.5), 1e-5);
        assertEquals(5000, s.percentileMillis(0.99), 5);
    }
}
