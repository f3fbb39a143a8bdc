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
 */
public record TrackingSettings(int minHits, double confirmScore, long maxAgeMs, double minIou,
        long updateIntervalMs) {

    public static final TrackingSettings DEFAULTS = new TrackingSettings(2, 0.7, 3000, 0.1, 5000);

    public TrackingSettings {
        check(minHits >= 1 && minHits <= 100, "min_hits must be 1..100");
        check(confirmScore >= 0 && confirmScore <= 1, "confirm_score must be 0..1");
        check(maxAgeMs >= 0 && maxAgeMs <= 3_600_000, "max_age_s must be 0..3600");
        check(minIou > 0 && minIou <= 1, "min_iou must be in (0, 1]");
        check(updateIntervalMs >= 0, "update_interval_s must be >= 0");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
