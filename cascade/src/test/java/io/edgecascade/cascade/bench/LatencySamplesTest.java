package io.edgecascade.cascade.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencySamplesTest {

    @Test
    void percentilesByNearestRank() {
        LatencySamples s = new LatencySamples();
        for (int ms = 100; ms >= 1; ms--) { // 1..100 ms, added out of order
            s.add(ms * 1_000_000L);
        }
        assertEquals(50.0, s.percentileMillis(0.50));
        assertEquals(95.0, s.percentileMillis(0.95));
        assertEquals(99.0, s.percentileMillis(0.99));
        assertEquals(50.5, s.meanMillis(), 1e-9);
        assertEquals(100, s.count());
    }

    @Test
    void oneSampleIsEveryPercentile() {
        LatencySamples s = new LatencySamples();
        s.add(2_500_000);
        StageSummary sum = s.summary();
        assertEquals(2.5, sum.p50Millis());
        assertEquals(2.5, sum.p99Millis());
        assertEquals(1, sum.frames());
    }

    @Test
    void noSamplesIsNaNNotZero() {
        LatencySamples s = new LatencySamples();
        assertTrue(Double.isNaN(s.percentileMillis(0.5)));
        assertTrue(Double.isNaN(s.meanMillis()));
    }

    @Test
    void growsPastItsInitialCapacity() {
        LatencySamples s = new LatencySamples();
        for (int i = 0; i < 5000; i++) {
            s.add(1_000_000);
        }
        assertEquals(5000, s.count());
        assertEquals(5000L * 1_000_000, s.totalNanos());
    }
}
