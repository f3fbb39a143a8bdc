package io.edgecascade.cascade.bestframe;

import io.edgecascade.cascade.api.Boxes;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One camera's best frames: for each live track the frame it was seen best in (encoded, shared by the tracks it
 * shows), and for the last {@code maxTracks} ended tracks the frame they ended with (the page shows it, the
 * forwarder sends it at the end). Knows which of its tracks would give up their frame first; {@link BestFrames}
 * decides when, holds the lock and counts the bytes.
 */
final class BestFrameStore {

    /** A track whose box overlaps the box of its best frame this much has not moved since: it is stationary. */
    static final float STATIONARY_IOU = 0.5f;
    /** Frames remembered as applied, so each reader of a frame applies it once. */
    private static final int APPLIED_MEMORY = 64;

    /** Holds and releases frames (reference counts, bytes). */
    interface Holder {
        void hold(BestFrame f);

        void release(BestFrame f);
    }

    /** A track's best frame as kept. */
    static final class Kept {
        final long trackId;
        final BestFrame frame;
        final float[] bestBox;
        /** When the track's first frame was kept (the store's clock): its age. */
        final long since;
        float[] lastBox;
        /** When it ended (the store's clock); -1 while live. */
        long endedAt = -1;

        Kept(long trackId, BestFrame frame, float[] bestBox, long since) {
            this.trackId = trackId;
            this.frame = frame;
            this.bestBox = bestBox;
            this.lastBox = bestBox;
            this.since = since;
        }

        boolean ended() {
            return endedAt >= 0;
        }

        /** Still where its best frame shows it. */
        boolean stationary() {
            return bestBox == null || lastBox == null || Boxes.iou(bestBox[0], bestBox[1], bestBox[2], bestBox[3],
                    lastBox[0], lastBox[1], lastBox[2], lastBox[3]) >= STATIONARY_IOU;
        }

        /**
         * Which gives up its frame first, lowest first: ended tracks (oldest end first; only the page still shows
         * them), then stationary live tracks, then moving ones (each oldest first).
         */
        int kind() {
            return ended() ? 0 : stationary() ? 1 : 2;
        }

        long age() {
            return ended() ? endedAt : since;
        }

        /** True when this one should give up its frame before {@code o}. */
        boolean before(Kept o) {
            return kind() != o.kind() ? kind() < o.kind() : age() < o.age();
        }
    }

    private final String camera;
    private final int maxTracks;
    private final Map<Long, Kept> live = new LinkedHashMap<>();
    private final LinkedHashMap<Long, Kept> ended = new LinkedHashMap<>();
    private final ArrayDeque<FrameTracks> applied = new ArrayDeque<>();
    private long dropped;

    BestFrameStore(String camera, int maxTracks) {
        this.camera = camera;
        this.maxTracks = maxTracks;
    }

    String camera() {
        return camera;
    }

    /** Whether this frame's tracking was applied already (by another reader of the same frame). */
    boolean applied(FrameTracks t) {
        for (FrameTracks a : applied) {
            if (a == t) {
                return true;
            }
        }
        return false;
    }

    /**
     * Applies one frame: the new best frames ({@code encoded}, null when the frame brings none), the tracks' latest
     * boxes, the ends (live -> ended) and the discarded tentative tracks.
     *
     * @param tick the store's clock now
     */
    void apply(PositiveFrame p, BestFrame encoded, long tick, Holder holder) {
        FrameTracks t = p.tracks();
        applied.addLast(t);
        if (applied.size() > APPLIED_MEMORY) {
            applied.removeFirst();
        }
        List<Detection> dets = p.detections();
        for (int i = 0; i < t.trackIds().size() && i < dets.size(); i++) {
            Kept k = live.get(t.trackIds().get(i));
            if (k != null) {
                Detection d = dets.get(i);
                k.lastBox = new float[] {d.x1(), d.y1(), d.x2(), d.y2()};
            }
        }
        if (encoded != null) {
            for (Long id : t.bestOf()) {
                Kept old = live.get(id);
                if (old != null && old.frame.sequence() > encoded.sequence()) {
                    continue; // a newer best frame came first (frames out of order): keep it
                }
                live.put(id, new Kept(id, encoded, encoded.box(id), old == null ? tick : old.since));
                holder.hold(encoded);
                if (old != null) {
                    holder.release(old.frame);
                }
            }
        }
        for (TrackEvent e : t.events()) {
            if (e.type() != TrackEvent.Type.END) {
                continue;
            }
            Kept k = live.remove(e.trackId());
            if (k == null) {
                continue;
            }
            k.endedAt = tick;
            Kept replaced = ended.put(k.trackId, k);
            if (replaced != null) {
                holder.release(replaced.frame);
            }
            if (ended.size() > maxTracks) {
                Iterator<Kept> it = ended.values().iterator();
                holder.release(it.next().frame);
                it.remove();
            }
        }
        for (Long id : t.discarded()) {
            Kept k = live.remove(id);
            if (k != null) {
                holder.release(k.frame);
            }
        }
    }

    /** A track's best frame: live, or ended not long ago; null when there is none (or it was given up). */
    BestFrame frame(long trackId) {
        Kept k = live.get(trackId);
        if (k == null) {
            k = ended.get(trackId);
        }
        return k == null ? null : k.frame;
    }

    /** A kept frame of this frame index, or null. */
    BestFrame frameOf(long sequence) {
        for (Kept k : live.values()) {
            if (k.frame.sequence() == sequence) {
                return k.frame;
            }
        }
        return null;
    }

    int liveTracks() {
        return live.size();
    }

    /**
     * The entry that gives up its frame first (see {@link Kept#before}), preferring any whose frame is not
     * {@code spare}; null when there is none.
     *
     * @param liveOnly only live tracks (the bound on tracks per camera)
     */
    Kept firstToGo(BestFrame spare, boolean liveOnly) {
        Kept best = null;
        Kept bestSpared = null;
        for (Map<Long, Kept> m : liveOnly ? List.of(live) : List.of(ended, live)) {
            for (Kept k : m.values()) {
                if (k.frame == spare) {
                    bestSpared = bestSpared == null || k.before(bestSpared) ? k : bestSpared;
                } else {
                    best = best == null || k.before(best) ? k : best;
                }
            }
        }
        return best != null ? best : bestSpared;
    }

    /** Gives up {@code k}'s frame; a live track's is counted as dropped. */
    void giveUp(Kept k, Holder holder) {
        Map<Long, Kept> from = k.ended() ? ended : live;
        if (from.remove(k.trackId, k)) {
            holder.release(k.frame);
            if (!k.ended()) {
                dropped++;
            }
        }
    }

    /** Live tracks that gave up their frame to stay within the bounds. */
    long dropped() {
        return dropped;
    }

    /** Gives up every frame (closing). */
    void clear(Holder holder) {
        live.values().forEach(k -> holder.release(k.frame));
        ended.values().forEach(k -> holder.release(k.frame));
        live.clear();
        ended.clear();
    }
}
