package io.edgecascade.cascade.forward;

import java.util.List;

/**
 * What the forwarder reports as it works, for the run summary and the metrics endpoint. Called from the
 * forwarder's and gRPC's threads: implementations are thread-safe and fast (counter updates, no I/O).
 */
public interface ForwardListener {

    /** The cloud acknowledged one positive of {@code camera}. */
    default void onAcked(String camera) {
    }

    /** A positive of {@code camera} had to wait in the spool (cloud down or slow, window full). */
    default void onSpooled(String camera) {
    }

    /** A request for a positive of {@code camera} failed (it stays spooled and is retried), or it could not be
     * stored. */
    default void onError(String camera) {
    }

    /**
     * A positive of {@code camera} could not be stored in the spool (the disk is full, the folder unwritable, or the
     * JPEG encoding failed): it is lost, and counted as such. Also reported as {@link #onError}.
     */
    default void onStoreFailed(String camera) {
    }

    /** A positive of {@code camera} was evicted from the full spool without being sent. */
    default void onEvicted(String camera) {
    }

    /**
     * A positive of {@code camera} was given up (a status that can never succeed, {@code cloud.max_attempts}
     * attempts, or an unreadable record) and moved to the dead-letter folder.
     */
    default void onDeadLettered(String camera) {
    }

    /** Bytes waiting in the spool now. */
    default void spoolBytes(long bytes) {
    }

    /** The cloud became reachable ({@code up}) or not. */
    default void cloudUp(boolean up) {
    }

    /** Whether the spool can take more frames (false while storing fails, e.g. the disk is full). */
    default void spoolAccepting(boolean accepting) {
    }

    /** Fans out to several listeners. */
    static ForwardListener of(List<ForwardListener> listeners) {
        List<ForwardListener> all = List.copyOf(listeners);
        return new ForwardListener() {
            @Override
            public void onAcked(String camera) {
                all.forEach(l -> l.onAcked(camera));
            }

            @Override
            public void onSpooled(String camera) {
                all.forEach(l -> l.onSpooled(camera));
            }

            @Override
            public void onError(String camera) {
                all.forEach(l -> l.onError(camera));
            }

            @Override
            public void onStoreFailed(String camera) {
                all.forEach(l -> l.onStoreFailed(camera));
            }

            @Override
            public void onEvicted(String camera) {
                all.forEach(l -> l.onEvicted(camera));
            }

            @Override
            public void onDeadLettered(String camera) {
                all.forEach(l -> l.onDeadLettered(camera));
            }

            @Override
            public void spoolBytes(long bytes) {
                all.forEach(l -> l.spoolBytes(bytes));
            }

            @Override
            public void cloudUp(boolean up) {
                all.forEach(l -> l.cloudUp(up));
            }

            @Override
            public void spoolAccepting(boolean accepting) {
                all.forEach(l -> l.spoolAccepting(accepting));
            }
        };
    }
}
