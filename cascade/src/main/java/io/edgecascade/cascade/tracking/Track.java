package io.edgecascade.cascade.tracking;

import io.edgecascade.cascade.api.Detection;

/**
 * One object followed by the {@link Tracker}: its id, its class, its filtered box and when it was seen.
 * Mutable, owned by the tracker; callers read it only while handling the tracker's answer.
 */
public final class Track {

    private final long id;
    private final String label;
    private final int classId;
    private final KalmanBoxFilter filter;
    private final long firstSeenMs;
    private long lastSeenMs;
    private int hits;
    private boolean confirmed;
    private Detection last;
    /** Where the box stood when it last moved, and since when (stream time): what stationarity is measured from. */
    private float[] anchor;
    private long anchorPtsMs;
    private boolean stationary;
    /** How long after it was last found the track wants another look ({@code tracking.look_again_max_s}). */
    private long lookAgainMs;

    /** A detection overlapping the predicted box at least this much: the track moves as predicted. */
    static final double BEHAVES_IOU = 0.5;

    Track(long id, Detection d, long ptsMs, TrackingSettings settings) {
        this.id = id;
        this.label = d.label();
        this.classId = d.classId();
        this.filter = new KalmanBoxFilter(d.x1(), d.y1(), d.x2(), d.y2());
        this.firstSeenMs = ptsMs;
        this.lastSeenMs = ptsMs;
        this.hits = 1;
        this.confirmed = settings.minHits() <= 1 || d.score() >= settings.confirmScore();
        this.last = d;
        this.anchor = new float[] {d.x1(), d.y1(), d.x2(), d.y2()};
        this.anchorPtsMs = ptsMs;
    }

    void predict(double dtSeconds) {
        filter.predict(dtSeconds);
    }

    void hit(Detection d, long ptsMs, TrackingSettings settings) {
        // Found where predicted after a gap: the next look may wait twice as long (up to look_again_max_s); found
        // elsewhere: the next look comes at the gate's own pace.
        long gap = ptsMs - lastSeenMs;
        lookAgainMs = gap > 0 && iou(d) >= BEHAVES_IOU ? Math.min(settings.lookAgainMaxMs(), 2 * gap) : 0;
        filter.update(d.x1(), d.y1(), d.x2(), d.y2());
        lastSeenMs = Math.max(lastSeenMs, ptsMs);
        hits++;
        last = d;
        if (hits >= settings.minHits() || d.score() >= settings.confirmScore()) {
            confirmed = true;
        }
    }

    /**
     * Measures the last detection against where the box stood: a move beyond the threshold makes the track moving
     * (and the new position the one to measure from), standing for {@code afterMs} makes it stationary.
     */
    void measureStanding(long ptsMs, StationarySettings settings) {
        Detection d = last;
        double allowed = settings.allowedMove(anchor[2] - anchor[0], anchor[3] - anchor[1]);
        double moved = Math.max(Math.max(Math.abs(d.x1() - anchor[0]), Math.abs(d.y1() - anchor[1])),
                Math.max(Math.abs(d.x2() - anchor[2]), Math.abs(d.y2() - anchor[3])));
        if (moved > allowed) {
            anchor = new float[] {d.x1(), d.y1(), d.x2(), d.y2()};
            anchorPtsMs = ptsMs;
            stationary = false;
        } else if (settings.enabled() && ptsMs - anchorPtsMs >= settings.afterMs()) {
            stationary = true;
        }
    }

    /** Its box has not moved beyond {@code stationary.threshold} for {@code stationary.seconds}. */
    public boolean stationary() {
        return stationary;
    }

    /** The track's id, unique per tracker (per camera), counting from 1. */
    public long id() {
        return id;
    }

    public String label() {
        return label;
    }

    public int classId() {
        return classId;
    }

    /** The filtered box {x1, y1, x2, y2} (predicted to the last update's time). */
    public float[] box() {
        return filter.box();
    }

    /** How fast the box's corners move {x1, y1, x2, y2}, pixels per second of stream time. */
    public float[] rates() {
        return filter.cornerRates();
    }

    /**
     * How long after {@link #lastSeenMs} the track wants another look: twice the gap after which it was last found
     * where it was predicted (up to {@code tracking.look_again_max_s}), 0 when it was found elsewhere or is new.
     */
    public long lookAgainMs() {
        return lookAgainMs;
    }

    /** The last detection matched to this track. */
    public Detection lastDetection() {
        return last;
    }

    public long firstSeenMs() {
        return firstSeenMs;
    }

    public long lastSeenMs() {
        return lastSeenMs;
    }

    public int hits() {
        return hits;
    }

    /** Seen at least {@code min_hits} times: a real object rather than a one-frame false positive. */
    public boolean confirmed() {
        return confirmed;
    }

    float iou(Detection d) {
        float[] b = box();
        return io.edgecascade.cascade.api.Boxes.iou(b[0], b[1], b[2], b[3], d.x1(), d.y1(), d.x2(), d.y2());
    }

    @Override
    public String toString() {
        return "track " + id + " (" + label + ")";
    }
}
