package io.edgecascade.cascade.pipeline;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The log line of per-frame failures: the first one of a stage and camera in full, then at most one line per
 * {@link #INTERVAL_NANOS} for it, saying how many were not logged in between. Counting is the metrics' job; this keeps
 * a camera that fails on every frame from filling the disk with log lines. Thread-safe.
 */
final class RateLimitedLog {

    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static final class Key {
        long lastNanos;
        long suppressed;
        boolean logged;
    }

    private final Logger log;
    private final LongSupplier clock;
    private final java.util.Map<String, Key> keys = new java.util.HashMap<>();

    RateLimitedLog(Logger log) {
        this(log, System::nanoTime);
    }

    RateLimitedLog(Logger log, LongSupplier clock) {
        this.log = log;
        this.clock = clock;
    }

    /**
     * Logs {@code message} at WARN for {@code key} (a stage and camera) unless one was logged for it within the
     * interval; a line logged after a quiet stretch says how many it left out.
     */
    void warn(String key, String message, Throwable cause) {
        long now = clock.getAsLong();
        long suppressed;
        synchronized (keys) {
            Key k = keys.computeIfAbsent(key, x -> new Key());
            if (k.logged && now - k.lastNanos < INTERVAL_NANOS) {
                k.suppressed++;
                return;
            }
            suppressed = k.suppressed;
            k.logged = true;
            k.lastNanos = now;
            k.suppressed = 0;
        }
        String line = suppressed == 0 ? message
                : message + " (" + suppressed + " more like it since the last line)";
        if (log.isDebugEnabled() && cause != null) {
            log.warn(line, cause);
        } else {
            log.warn(line);
        }
    }
}
