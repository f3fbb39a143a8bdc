package io.edgecascade.cascade.notify;

import io.edgecascade.cascade.api.PositiveFrame;

/**
 * Where a sink gets the JPEG of an event's best frame (MQTT's snapshot topic, a webhook's second part). The sink's
 * own {@link EncodedBestFrames} encodes it from the frames the sink sees; a store of best frames kept for the whole
 * agent (shared by the page, the forwarder and clips) can take its place without the sinks changing.
 */
public interface SnapshotSource {

    /** No snapshots. */
    SnapshotSource NONE = new SnapshotSource() {
        @Override
        public void observe(PositiveFrame p) {
        }

        @Override
        public byte[] jpeg(String camera, long trackId) {
            return null;
        }

        @Override
        public void forget(String camera, long trackId) {
        }
    };

    /**
     * Sees every frame the sink gets, before its event lines are turned into messages (on the sink's thread; the
     * pixels are valid during the call only). A source that keeps best frames elsewhere does nothing here.
     */
    void observe(PositiveFrame p);

    /** The JPEG of the best frame of track {@code trackId} of {@code camera} so far, or null when there is none. */
    byte[] jpeg(String camera, long trackId);

    /** The track's event ended: its picture is no longer needed by this sink. */
    void forget(String camera, long trackId);

    /** Forgets the tracks whose events end on this frame (after the sink made its messages). */
    default void forgetEnded(PositiveFrame p) {
        for (io.edgecascade.cascade.api.TrackEvent e : p.tracks().events()) {
            if (e.type() == io.edgecascade.cascade.api.TrackEvent.Type.END) {
                forget(e.camera(), e.trackId());
            }
        }
    }
}
