package io.edgecascade.cascade.bench;

import java.util.Arrays;

/** Durations of one stage, one per frame, in nanoseconds; summarised as percentiles and mean. Thread-safe. */
final class LatencySamples {

    private long[] values = new long[1024];
    private int size;

    synchronized void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    synchronized int count() {
        return size;
    }

    synchronized long totalNanos() {
        long sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return sum;
    }

    /** Mean in ms, NaN without samples. */
    double meanMillis() {
        int n = count();
        return n == 0 ? Double.NaN : totalNanos() / 1e6 / n;
    }

    /** The {@code p}-th percentile (0 < p <= 1) in ms by the nearest-rank method, NaN without samples. */
    synchronized double percentileMillis(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * size);
        return sorted[Math.max(0, Math.min(size, rank) - 1)] / 1e6;
    }

    StageSummary summary() {
        return new StageSummary(percentileMillis(0.50), percentileMillis(0.95), percentileMillis(0.99), meanMillis(),
                count());
    }
}
