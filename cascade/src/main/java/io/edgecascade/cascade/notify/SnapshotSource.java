package io.edgecascade.cascade.notify;

import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.bestframe.BestFrame;
import io.edgecascade.cascade.bestframe.BestFrames;
import java.util.function.Predicate;

/**
 * Where a sink gets the JPEG of an event's best frame (MQTT's snapshot topic, a webhook's second part): the cameras'
 * {@link BestFrames}, shared with the page and the forwarder, so a frame is encoded once however many of them show
 * it, and all of them stay within {@code events.best_frames_mb}. An event whose frame was given up to stay within
 * the bounds has no snapshot ({@code has_snapshot: false}).
 */
public interface SnapshotSource {

    /** No snapshots: the sink never reads pixels. */
    SnapshotSource NONE = new SnapshotSource() {
        @Override
        public boolean needsPixels(PositiveFrame p) {
            return false;
        }

        @Override
        public void observe(PositiveFrame p) {
        }

        @Override
        public byte[] jpeg(String camera, long trackId) {
            return null;
        }
    };

    /**
     * The best frames of the cameras {@code watched} lets through (a sink's filter); frames of other cameras are
     * neither read nor encoded for this sink.
     */
    static SnapshotSource of(BestFrames frames, Predicate<String> watched) {
        return new SnapshotSource() {
            @Override
            public boolean needsPixels(PositiveFrame p) {
                return !p.tracks().bestOf().isEmpty() && watched.test(p.frame().camera());
            }

            @Override
            public void observe(PositiveFrame p) {
                if (watched.test(p.frame().camera())) {
                    frames.update(p); // idempotent: the first reader of a frame encodes it
                }
            }

            @Override
            public byte[] jpeg(String camera, long trackId) {
                BestFrame f = frames.frame(camera, trackId);
                return f == null ? null : f.jpeg();
            }
        };
    }

    /** Whether the sink reads this frame's pixels: only a frame that becomes some track's best. */
    boolean needsPixels(PositiveFrame p);

    /** Sees every frame the sink gets, before its event lines become messages (on the sink's thread). */
    void observe(PositiveFrame p);

    /** The JPEG of the best frame of track {@code trackId} of {@code camera} so far, or null when none is kept. */
    byte[] jpeg(String camera, long trackId);
}
