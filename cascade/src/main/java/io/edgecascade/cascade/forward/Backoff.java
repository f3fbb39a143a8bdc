package io.edgecascade.cascade.forward;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: attempt {@code n} (0-based) waits between half and all of
 * {@code min(max, initial * 2^n)}, so many agents that lost the same server do not come back in step.
 */
public final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private final DoubleSupplier random;

    /** @param random uniform in [0, 1) */
    public Backoff(Duration initial, Duration max, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max");
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /** The wait before attempt {@code attempt + 1}, in nanoseconds. */
    public long delayNanos(int attempt) {
        long ceiling = initialNanos;
        for (int i = 0; i < attempt && ceiling < maxNanos; i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, maxNanos);
        return ceiling / 2 + (long) (random.getAsDouble() * (ceiling / 2));
    }

    public long maxNanos() {
        return maxNanos;
    }
}
