package io.edgecascade.cascade.notify;

import io.edgecascade.cascade.api.Jpeg;
import io.edgecascade.cascade.api.PositiveFrame;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A sink's own snapshots: each live track's best frame so far, JPEG-encoded when it becomes the best (a frame that is
 * the best of several tracks is encoded once), never kept as pixels. Bounded in tracks; the oldest give up their
 * picture beyond it. Used from the sink's thread only.
 */
public final class EncodedBestFrames implements SnapshotSource {

    /** Tracks with a picture at most; beyond, the oldest picture goes. */
    static final int MAX_TRACKS = 256;

    private record Key(String camera, long trackId) {
    }

    private final int quality;
    private final Predicate<String> cameras;
    private final Map<Key, byte[]> best = new LinkedHashMap<>();
    private long encoded;

    /**
     * @param quality JPEG quality 1..100
     * @param cameras the cameras whose frames are worth encoding (those the sink's filter lets through)
     */
    public EncodedBestFrames(int quality, Predicate<String> cameras) {
        this.quality = quality;
        this.cameras = cameras;
    }

    @Override
    public void observe(PositiveFrame p) {
        String camera = p.frame().camera();
        for (Long id : p.tracks().discarded()) {
            best.remove(new Key(camera, id));
        }
        if (p.tracks().bestOf().isEmpty() || !cameras.test(camera) || p.frame().image().empty()) {
            return;
        }
        byte[] jpeg = Jpeg.encode(p.frame().image(), quality);
        encoded++;
        for (Long id : p.tracks().bestOf()) {
            Key k = new Key(camera, id);
            best.remove(k); // re-inserted: the most recent best is the last to go
            best.put(k, jpeg);
        }
        for (Iterator<Key> it = best.keySet().iterator(); best.size() > MAX_TRACKS && it.hasNext();) {
            it.next();
            it.remove();
        }
    }

    @Override
    public byte[] jpeg(String camera, long trackId) {
        return best.get(new Key(camera, trackId));
    }

    @Override
    public void forget(String camera, long trackId) {
        best.remove(new Key(camera, trackId));
    }

    /** Frames encoded so far (for tests and the benchmark). */
    long encoded() {
        return encoded;
    }
}
