package io.edgecascade.cascade.motion;

/**
 * What the rest of the cascade asks of a camera's gate besides motion: asked on the capture thread every frame,
 * so implementations answer from a volatile field.
 */
public interface GateHold {

    /** Never holds the gate. */
    GateHold NONE = new GateHold() {
    };

    /** True keeps the gate open without motion (objects are tracked; one that stops moving must not be lost). */
    default boolean holdOpen() {
        return false;
    }

    /**
     * True lets the next frame through without waiting for {@code min_interval_ms} (an object was just seen once
     * and a second look confirms it, so its event starts without delay).
     */
    default boolean hurry() {
        return false;
    }

    /**
     * How often a gate held open without motion lets a frame through, in ms of stream time; -1 for the gate's own
     * pace (every other {@code min_interval_ms}). Every object followed being stationary slows it to
     * {@code stationary.interval}.
     */
    default long heldIntervalMs() {
        return -1;
    }

    /**
     * The confirmed objects followed, with their predicted boxes and their schedule of looks, so the gate can skip
     * looks at motion they explain ({@link TrackedMotion}); empty when there are none or the schedule is off
     * ({@code tracking.look_again_max_s: 0}).
     */
    default java.util.List<KnownObject> known() {
        return java.util.List.of();
    }
}
