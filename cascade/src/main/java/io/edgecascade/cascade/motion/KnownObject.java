package io.edgecascade.cascade.motion;

/**
 * A confirmed object the camera's tracker follows, as the gate needs it to tell the motion it explains from new
 * motion: where its box was at the tracker's last update, how fast each side moves, and when it wants another look.
 *
 * @param box         its box {x1, y1, x2, y2} in frame pixels at {@code ptsMs}
 * @param rates       how fast x1, y1, x2 and y2 move, in pixels per second of stream time (the tracker's velocity)
 * @param ptsMs       the stream time of the tracker's last update (a look at the frame, whether it found the object
 *                    or not)
 * @param seenMs      the stream time the object was last found
 * @param lookAgainMs the tracker's schedule: another look is due this long after the last one (0: at the gate's own
 *                    pace, the object did not move as predicted)
 */
public record KnownObject(float[] box, float[] rates, long ptsMs, long seenMs, long lookAgainMs) {

    public KnownObject {
        if (box.length != 4 || rates.length != 4) {
            throw new IllegalArgumentException("a box and its rates are 4 values each");
        }
        box = box.clone();
        rates = rates.clone();
    }

    /** Where the box is predicted to be at {@code atMs} (constant velocity; never back in time). */
    public float[] boxAt(long atMs) {
        double dt = Math.max(0, atMs - ptsMs) / 1000.0;
        float[] b = new float[4];
        for (int i = 0; i < 4; i++) {
            b[i] = (float) (box[i] + rates[i] * dt);
        }
        return b;
    }

    /**
     * True when the object wants a look at {@code atMs}: its schedule has run out since it was last found, or since
     * {@code lastLookMs} (the gate's last look at the known objects) when that look's answer is not in yet.
     */
    public boolean due(long atMs, long lastLookMs) {
        long since = lastLookMs > ptsMs ? lastLookMs : seenMs;
        return atMs - since >= lookAgainMs;
    }
}
