package io.edgecascade.cascade.tracking;

/**
 * A camera's tracker and event settings (config sections {@code tracking:} and {@code events:}).
 *
 * @param minHits          detections a track needs before it is confirmed (its event starts)
 * @param confirmScore     a detection scoring at least this confirms its track at once (a confident detection
 *                         needs no second look; 1 = always wait for {@code minHits})
 * @param maxAgeMs         a track not seen for this long (stream time) ends
 * @param minIou           least overlap between a track's predicted box and a detection for them to match
 * @param updateIntervalMs an event's {@code update} lines come at most this often, besides the ones written
 *                         when its best score or its zones change
 * @param lookAgainMaxMs   {@code tracking.look_again_max_s}: a confirmed track whose detections land where it was
 *                         predicted is looked at again after twice the gap of its last good look, up to this; motion
 *                         its predicted box explains gets no look in between (0: off, a look every
 *                         {@code motion.min_interval_ms} while motion goes on). At most half of {@code maxAgeMs}, so
 *                         a look that misses it leaves time for another before the track ends
 */
public record TrackingSettings(int minHits, double confirmScore, long maxAgeMs, double minIou,
        long updateIntervalMs, long lookAgainMaxMs) {

    /** The default of {@code tracking.look_again_max_s}. */
    public static final long DEFAULT_LOOK_AGAIN_MAX_MS = 1500;

    public static final TrackingSettings DEFAULTS = new TrackingSettings(2, 0.7, 3000, 0.1, 5000);

    /** Settings with the default {@code look_again_max_s}, or half of {@code maxAgeMs} when that is less. */
    public TrackingSettings(int minHits, double confirmScore, long maxAgeMs, double minIou, long updateIntervalMs) {
        this(minHits, confirmScore, maxAgeMs, minIou, updateIntervalMs,
                Math.min(DEFAULT_LOOK_AGAIN_MAX_MS, maxAgeMs / 2));
    }

    /** The same settings with another {@code look_again_max_s} (0: off). */
    public TrackingSettings withLookAgainMaxMs(long ms) {
        return new TrackingSettings(minHits, confirmScore, maxAgeMs, minIou, updateIntervalMs, ms);
    }

    public TrackingSettings {
        check(minHits >= 1 && minHits <= 100, "min_hits must be 1..100");
        check(confirmScore >= 0 && confirmScore <= 1, "confirm_score must be 0..1");
        check(maxAgeMs >= 0 && maxAgeMs <= 3_600_000, "max_age_s must be 0..3600");
        check(minIou > 0 && minIou <= 1, "min_iou must be in (0, 1]");
        check(updateIntervalMs >= 0, "update_interval_s must be >= 0");
        check(lookAgainMaxMs >= 0 && lookAgainMaxMs <= maxAgeMs / 2,
                "look_again_max_s must be 0 (off) .. half of max_age_s");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
