package io.edgecascade.cascade.forward;

import java.util.Arrays;

/** Keeps the last few thousand durations of one step, for its median in the run summary. Thread-safe. */
final class LatencyRecorder {

    private final long[] samples;
    private long count;

    LatencyRecorder(int capacity) {
        samples = new long[capacity];
    }

    synchronized void record(long nanos) {
        samples[(int) (count % samples.length)] = nanos;
        count++;
    }

    synchronized long count() {
        return count;
    }

    /** Median of the kept samples in ms, or NaN when there are none. */
    synchronized double medianMillis() {
        int n = (int) Math.min(count, samples.length);
        if (n == 0) {
            return Double.NaN;
        }
        long[] s = Arrays.copyOf(samples, n);
        Arrays.sort(s);
        double m = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
        return m / 1e6;
    }
}
