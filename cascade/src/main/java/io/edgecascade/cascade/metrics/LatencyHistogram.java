package io.edgecascade.cascade.metrics;

import org.HdrHistogram.ConcurrentHistogram;

/**
 * Durations of one step (nanoseconds) summarised as percentiles and mean: the project's one latency-percentile
 * implementation (bench stages, forwarder steps, engine agreement), on HdrHistogram. Three significant digits
 * (0.1% error), any range (the histogram grows), constant memory however many samples, recording is lock-free.
 * Thread-safe.
 */
public final class LatencyHistogram {

    private final ConcurrentHistogram histogram = new ConcurrentHistogram(3);

    /** Adds one duration; negative ones (a clock step) count as zero. */
    public void record(long nanos) {
        histogram.recordValue(Math.max(0, nanos));
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /** The {@code p}-th percentile (0 < p <= 1) in ms, NaN without samples. */
    public double percentileMillis(double p) {
        if (count() == 0) {
            return Double.NaN;
        }
        return histogram.highestEquivalentValue(histogram.getValueAtPercentile(p * 100)) / 1e6;
    }

    public double medianMillis() {
        return percentileMillis(0.5);
    }

    /** Mean in ms, NaN without samples. */
    public double meanMillis() {
        return count() == 0 ? Double.NaN : histogram.getMean() / 1e6;
    }
}
