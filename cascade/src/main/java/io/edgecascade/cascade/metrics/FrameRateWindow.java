package io.edgecascade.cascade.metrics;

/**
 * Frames per second over a sliding window, for {@code edge_cascade_camera_fps}: the frames seen in the last
 * {@code window} divided by the window (or by the time since the first frame while the window is still
 * filling). A camera that stalls decays to 0 within one window instead of keeping its last rate. Keeps the
 * last {@link #CAPACITY} timestamps, enough for 400 fps over a 10 s window; faster sources are measured over
 * a shorter span. Thread-safe: one writer (the capture thread), any reader.
 */
final class FrameRateWindow {

    static final int CAPACITY = 4096;
    /** Shortest span a rate is computed over, so that the first frames do not read as thousands of fps. */
    private static final long MIN_SPAN_NANOS = 1_000_000_000L;

    private final long windowNanos;
    private final long[] stamps = new long[CAPACITY];
    private int next;
    private int size;
    private long firstNanos;

    FrameRateWindow(long windowNanos) {
        if (windowNanos < MIN_SPAN_NANOS) {
            throw new IllegalArgumentException("window must be at least 1 s");
        }
        this.windowNanos = windowNanos;
    }

    synchronized void record(long nowNanos) {
        if (size == 0 && next == 0) {
            firstNanos = nowNanos;
        }
        stamps[next] = nowNanos;
        next = (next + 1) % CAPACITY;
        size = Math.min(size + 1, CAPACITY);
    }

    synchronized double rate(long nowNanos) {
        if (size == 0) {
            return 0;
        }
        long span = Math.min(windowNanos, nowNanos - firstNanos);
        int count = 0;
        long oldestCounted = nowNanos;
        for (int i = 1; i <= size; i++) {
            long t = stamps[(next - i + CAPACITY) % CAPACITY];
            if (nowNanos - t > span) {
                break;
            }
            count++;
            oldestCounted = t;
        }
        if (count == size && size == CAPACITY) {
            // the buffer holds less than the window: measure over what it holds
            span = nowNanos - oldestCounted;
        }
        return count / (Math.max(span, MIN_SPAN_NANOS) / 1e9);
    }
}
