package io.edgecascade.cascade.notify;

import io.edgecascade.cascade.spool.SpoolDirectory;
import java.time.Duration;
import java.util.Objects;

/**
 * What every delivering sink has: which events it tells about, its outbox, when it gives a message up and how it waits
 * between tries.
 *
 * @param filter      which events ({@code filter:})
 * @param outbox      the outbox folder, its bound ({@code outbox_mb}), fsync policy and dead-letter folder
 * @param maxAttempts failed attempts after which a message is a dead letter ({@code max_attempts}); 0 = never
 * @param backoff     the first wait after a failure ({@code backoff_ms}); it doubles up to {@code maxBackoff}
 */
public record DeliverySettings(SinkFilter filter, SpoolDirectory.Settings outbox, int maxAttempts, Duration backoff,
        Duration maxBackoff) {

    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    /** Default bound of an outbox: 64 MiB. */
    public static final long DEFAULT_OUTBOX_BYTES = 64L << 20;
    /** Default bound of a sink's dead-letter folder: 64 MiB. */
    public static final long DEFAULT_DEAD_LETTER_BYTES = 64L << 20;

    public DeliverySettings {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(outbox, "outbox");
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be 0 (never give up) or more");
        }
        if (backoff.isNegative() || backoff.isZero() || maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < backoff <= max_backoff");
        }
    }

    /** Every event, the default attempts and backoff, an outbox in {@code dir} (fsync once a second). */
    public static DeliverySettings defaults(java.nio.file.Path dir) {
        return new DeliverySettings(SinkFilter.ALL, SpoolDirectory.Settings.of(dir, DEFAULT_OUTBOX_BYTES,
                SpoolDirectory.Fsync.INTERVAL).withDeadLetters(null, DEFAULT_DEAD_LETTER_BYTES),
                DEFAULT_MAX_ATTEMPTS, DEFAULT_BACKOFF, DEFAULT_MAX_BACKOFF);
    }

    /** These settings with another filter. */
    public DeliverySettings withFilter(SinkFilter f) {
        return new DeliverySettings(f, outbox, maxAttempts, backoff, maxBackoff);
    }
}
