package io.edgecascade.cascade.tracking;

/**
 * When a tracked object counts as {@code stationary} ({@code detector.stationary}): its box has not moved more than
 * {@code threshold} from where it stopped for {@code afterMs}. A stationary object keeps its event (a car parked in
 * view is one event, not one per look) but is looked at less often: while every object a camera follows is
 * stationary and nothing moves, the gate lets a frame through every {@code intervalMs} rather than every other
 * {@code min_interval_ms}. A stationary track is given {@code intervalMs} more before it counts as lost, since it
 * is looked at that seldom; and it does not start a new event when it moves a little (it stays the same track and
 * becomes moving again once it moved more than {@code threshold}).
 *
 * @param threshold  how far the box may move and still count as standing: below 1 a fraction of the box's larger
 *                   side, from 1 up pixels
 * @param afterMs    how long it must stand (stream time); 0 turns stationary objects off
 * @param intervalMs how often a camera whose objects are all stationary is looked at
 */
public record StationarySettings(double threshold, long afterMs, long intervalMs) {

    public static final StationarySettings DEFAULTS = new StationarySettings(0.05, 10_000, 10_000);
    /** Objects never become stationary. */
    public static final StationarySettings OFF = new StationarySettings(0.05, 0, 10_000);

    public StationarySettings {
        if (!(threshold >= 0) || afterMs < 0 || intervalMs < 0) {
            throw new IllegalArgumentException("stationary threshold, seconds and interval must not be negative");
        }
    }

    public boolean enabled() {
        return afterMs > 0;
    }

    /** The move, in pixels, a box with sides {@code width x height} may make and still stand. */
    double allowedMove(double width, double height) {
        return threshold >= 1 ? threshold : threshold * Math.max(width, height);
    }
}
