package io.edgecascade.cascade.logging;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * One WARN line now and then for something that may happen on every frame (a budget that is full): the first
 * occurrence is logged at once, later ones at most once per interval, each line saying how many occurred since the
 * last one. The counts themselves live elsewhere (metrics, summary); this only keeps the log readable.
 */
public final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private long lastNanos;
    private boolean logged;
    private long suppressed;

    public RateLimitedLog(Logger log, long interval, TimeUnit unit) {
        this(log, interval, unit, System::nanoTime);
    }

    RateLimitedLog(Logger log, long interval, TimeUnit unit, LongSupplier nanoClock) {
        this.log = log;
        this.intervalNanos = unit.toNanos(interval);
        this.nanoClock = nanoClock;
    }

    /**
     * Logs {@code message} (with its arguments) unless a line was logged less than an interval ago; a logged line
     * gains how many were held back since the previous one.
     *
     * @return whether it was logged
     */
    public synchronized boolean warn(String message, Object... args) {
        long now = nanoClock.getAsLong();
        if (logged && now - lastNanos < intervalNanos) {
            suppressed++;
            return false;
        }
        String line = suppressed == 0 ? message : message + " (" + suppressed + " more like it since the last line)";
        log.warn(line, args);
        logged = true;
        lastNanos = now;
        suppressed = 0;
        return true;
    }
}
