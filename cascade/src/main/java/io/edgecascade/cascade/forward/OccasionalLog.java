package io.edgecascade.cascade.forward;

import java.util.function.LongSupplier;

/**
 * Rate limit for a log line that may repeat for every frame: the first occurrence is logged, then at most one a
 * minute, each saying how many were left out meanwhile. Thread-safe.
 */
final class OccasionalLog {

    static final long INTERVAL_NANOS = 60_000_000_000L;

    private final LongSupplier nanoClock;
    private boolean logged;
    private long lastNanos;
    private long skipped;

    OccasionalLog() {
        this(System::nanoTime);
    }

    OccasionalLog(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Counts one occurrence: returns -1 when it is not to be logged, else how many were not logged since the last
     * line.
     */
    synchronized long occurred() {
        long now = nanoClock.getAsLong();
        if (logged && now - lastNanos < INTERVAL_NANOS) {
            skipped++;
            return -1;
        }
        logged = true;
        lastNanos = now;
        long s = skipped;
        skipped = 0;
        return s;
    }

    /** " (N more since the last such line)" for a count from {@link #occurred}, or "" for none. */
    static String more(long skipped) {
        return skipped > 0 ? " (" + skipped + " more like it since the last such line)" : "";
    }
}
