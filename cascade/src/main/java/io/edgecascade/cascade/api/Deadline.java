package io.edgecascade.cascade.api;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A point in time by which something must be done, on the monotonic clock: the one deadline a stop runs under.
 * Whoever stops the cascade makes one ({@code pipeline.shutdown_timeout_s}) and hands the same one to every stage and
 * sink, so their waits add up to it rather than each taking its own timeout. Immutable.
 */
public final class Deadline {

    private final long nanos;

    private Deadline(long nanos) {
        this.nanos = nanos;
    }

    /** The deadline {@code timeout} from now. */
    public static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + saturatedNanos(timeout));
    }

    /** A deadline that has already passed: stop at once. */
    public static Deadline now() {
        return new Deadline(System.nanoTime());
    }

    private static long saturatedNanos(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4; // "forever" without overflowing nanoTime arithmetic
        }
    }

    /** Time left, never negative. */
    public Duration remaining() {
        return Duration.ofNanos(remainingNanos());
    }

    /** Time left in nanoseconds, never negative. */
    public long remainingNanos() {
        return Math.max(0, nanos - System.nanoTime());
    }

    /** Time left in milliseconds, never negative (rounded up, so a wait of it does not end early). */
    public long remainingMillis() {
        return TimeUnit.NANOSECONDS.toMillis(remainingNanos() + 999_999);
    }

    public boolean expired() {
        return nanos - System.nanoTime() <= 0;
    }

    /** The earlier of this deadline and {@code timeout} from now. */
    public Deadline atMost(Duration timeout) {
        long other = System.nanoTime() + saturatedNanos(timeout);
        return other - nanos < 0 ? new Deadline(other) : this;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "deadline in %.3f s", remainingNanos() / 1e9);
    }
}
