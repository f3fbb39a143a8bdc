package io.edgecascade.cascade.bestframe;

import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.logging.RateLimitedLog;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The best frames of every camera's live tracks, kept once for everyone who needs them (the web page's snapshots,
 * the forwarder's uploads): one {@link BestFrameStore} per camera, every frame JPEG-encoded once however many tracks
 * it is the best of, all of them within one byte budget ({@code events.best_frames_mb}) and each camera within a
 * bound on tracks ({@code events.max_tracks}).
 *
 * <p>When a bound is hit, frames are given up in this order: those of ended tracks (kept only for the page), then
 * those of stationary live tracks (still where their best frame shows them), then the other live tracks', each
 * oldest first. A live track giving up its frame is counted ({@link #dropped()}) and logged (one line a minute); its
 * next better sighting is kept again.
 *
 * <p>Every reader calls {@link #update} with each frame it is given, before it looks anything up: the first call for a
 * frame applies it, the others find it applied (frames are recognised by their tracking, which all sinks share). So
 * the readers need no order among themselves. Thread-safe: the output thread updates, the page's threads read.
 */
public final class BestFrames {

    private static final Logger LOG = LoggerFactory.getLogger(BestFrames.class);

    /**
     * @param maxTracks live tracks per camera that keep a frame ({@code events.max_tracks})
     * @param maxBytes  bytes of encoded frames for all cameras together ({@code events.best_frames_mb})
     */
    public record Settings(int maxTracks, long maxBytes) {
        public static final Settings DEFAULTS = new Settings(50, 64L << 20);

        public Settings {
            if (maxTracks < 1 || maxBytes < 1) {
                throw new IllegalArgumentException("maxTracks and maxBytes must be at least 1");
            }
        }
    }

    private final Settings settings;
    private final int jpegQuality;
    private final Map<String, BestFrameStore> stores = new LinkedHashMap<>();
    private final IdentityHashMap<BestFrame, int[]> held = new IdentityHashMap<>();
    private final BestFrameStore.Holder holder = new BestFrameStore.Holder() {
        @Override
        public void hold(BestFrame f) {
            int[] n = held.computeIfAbsent(f, x -> new int[1]);
            if (n[0]++ == 0) {
                bytes += f.bytes();
            }
        }

        @Override
        public void release(BestFrame f) {
            int[] n = held.get(f);
            if (n != null && --n[0] == 0) {
                held.remove(f);
                bytes -= f.bytes();
            }
        }
    };
    private final RateLimitedLog dropLog = new RateLimitedLog(LOG, 1, TimeUnit.MINUTES);
    private long bytes;
    private long tick;

    /** @param jpegQuality 1..100: the frames are kept at the quality they are uploaded with */
    public BestFrames(Settings settings, int jpegQuality) {
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("JPEG quality " + jpegQuality + " is not within 1..100");
        }
        this.settings = settings;
        this.jpegQuality = jpegQuality;
    }

    public Settings settings() {
        return settings;
    }

    public int jpegQuality() {
        return jpegQuality;
    }

    /**
     * Applies a frame given to a sink: new best frames are encoded and kept, ended tracks' frames move aside,
     * discarded tracks' frames go. Idempotent per frame: call it from every reader.
     */
    public void update(PositiveFrame p) {
        FrameTracks t = p.tracks();
        if (t.isQuiet() && t.trackIds().isEmpty()) {
            return;
        }
        String camera = p.frame().camera();
        synchronized (this) {
            if (store(camera).applied(t)) {
                return;
            }
        }
        BestFrame encoded = t.bestOf().isEmpty() || p.frame().image().empty() ? null : encode(p);
        synchronized (this) {
            BestFrameStore s = store(camera);
            if (s.applied(t)) {
                return; // another reader applied it while this one encoded
            }
            s.apply(p, encoded, ++tick, holder);
            while (s.liveTracks() > settings.maxTracks()) {
                giveUp(s, s.firstToGo(encoded, true), "events.max_tracks (" + settings.maxTracks()
                        + " tracks per camera) is reached");
            }
            while (bytes > settings.maxBytes()) {
                BestFrameStore from = null;
                BestFrameStore.Kept first = null;
                for (BestFrameStore candidate : stores.values()) {
                    BestFrameStore.Kept k = candidate.firstToGo(encoded, false);
                    if (k != null && (first == null || spareLast(k, first, encoded))) {
                        first = k;
                        from = candidate;
                    }
                }
                if (first == null) {
                    break;
                }
                giveUp(from, first, "events.best_frames_mb (" + megabytes(settings.maxBytes()) + " MB for all"
                        + " cameras) is used up");
            }
        }
    }

    /** {@code k} goes before {@code first}: frames other than {@code spare} first, then by kind and age. */
    private static boolean spareLast(BestFrameStore.Kept k, BestFrameStore.Kept first, BestFrame spare) {
        boolean kSpared = k.frame == spare;
        boolean firstSpared = first.frame == spare;
        return kSpared != firstSpared ? firstSpared : k.before(first);
    }

    private void giveUp(BestFrameStore s, BestFrameStore.Kept k, String why) {
        boolean counted = !k.ended();
        s.giveUp(k, holder);
        if (counted) {
            dropLog.warn("best frames: camera {} track {} gave up its best frame: {}; its event keeps going without"
                    + " it (raise the bound if this happens often)", s.camera(), k.trackId, why);
        }
    }

    private BestFrame encode(PositiveFrame p) {
        VideoFrame f = p.frame();
        try {
            return new BestFrame(f.camera(), f.sequence(), f.ptsMillis(), f.captured().toEpochMilli(), f.width(),
                    f.height(), JpegCodec.encode(f.image(), jpegQuality), p.detections(), p.tracks().trackIds());
        } catch (RuntimeException e) {
            dropLog.warn("best frames: camera {} frame {}: cannot keep it ({}); the tracks keep their earlier best"
                    + " frame", f.camera(), f.sequence(), e.getMessage());
            return null;
        }
    }

    private BestFrameStore store(String camera) {
        return stores.computeIfAbsent(camera, c -> new BestFrameStore(c, settings.maxTracks()));
    }

    /** A track's best frame (live, or ended not long ago), or null when none is kept. */
    public synchronized BestFrame frame(String camera, long trackId) {
        BestFrameStore s = stores.get(camera);
        return s == null ? null : s.frame(trackId);
    }

    /** The frame as JPEG: the kept copy when it is a best frame, else encoded now (not kept). */
    public byte[] jpegOf(VideoFrame f) {
        synchronized (this) {
            BestFrameStore s = stores.get(f.camera());
            BestFrame kept = s == null ? null : s.frameOf(f.sequence());
            if (kept != null) {
                return kept.jpeg();
            }
        }
        return JpegCodec.encode(f.image(), jpegQuality);
    }

    /** Bytes of the frames kept now. */
    public synchronized long bytes() {
        return bytes;
    }

    /** Per camera: live tracks that gave up their frame to stay within the bounds. */
    public synchronized Map<String, Long> dropped() {
        Map<String, Long> m = new LinkedHashMap<>();
        stores.forEach((id, s) -> m.put(id, s.dropped()));
        return m;
    }

    /** Gives up every frame. */
    public synchronized void clear() {
        stores.values().forEach(s -> s.clear(holder));
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (double) (1 << 20));
    }

    @Override
    public String toString() {
        return "best frames (" + settings.maxTracks() + " tracks per camera, " + megabytes(settings.maxBytes())
                + " MB)";
    }
}
