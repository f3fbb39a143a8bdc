package io.edgecascade.cascade.metrics;

import java.util.Locale;

/**
 * What became of a positive frame the forwarder handled, the {@code result} label of
 * {@code edge_cascade_forward_total}: ACKED (the cloud model server answered), SPOOLED (the cloud was
 * unreachable, the frame was written to the local spool), ERROR (the cloud rejected it or it could not be
 * spooled), EVICTED (a spooled frame was deleted to stay within the spool's size before it could be sent),
 * DEAD_LETTERED (given up: a status that can never succeed, {@code cloud.max_attempts} failed attempts, or an
 * unreadable record; moved to the dead-letter folder).
 */
public enum ForwardResult {
    ACKED, SPOOLED, ERROR, EVICTED, DEAD_LETTERED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
