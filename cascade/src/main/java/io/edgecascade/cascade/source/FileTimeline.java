package io.edgecascade.cascade.source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a video file's timestamps tell about frames that never came: FFmpeg's decoder skips packets it cannot decode
 * without telling the caller, so the hole they leave in the timestamps is how they are counted; and a file that ends
 * well before the duration its container declares is truncated. One per opened file; both FFmpeg sources use it.
 */
final class FileTimeline {

    /** A file that stops this much before its declared duration is reported as truncated. */
    private static final long TRUNCATION_TOLERANCE_MS = 1_000;

    private final SourceUri uri;
    private final double frameRate;
    private final long declaredDurationMillis;
    private long frames;
    private long lastPtsMillis;
    private long missing;

    /**
     * @param declaredDurationMillis the container's duration, 0 when it declares none
     */
    FileTimeline(SourceUri uri, double frameRate, long declaredDurationMillis) {
        this.uri = uri;
        this.frameRate = frameRate;
        this.declaredDurationMillis = Math.max(0, declaredDurationMillis);
    }

    /** The file at {@code uri} exists and is a readable file, else the line that says which and the fix. */
    static void checkReadable(SourceUri uri) throws SourceException {
        Path p = Path.of(uri.location());
        if (!Files.exists(p)) {
            throw new SourceException("video file not found: " + p + "; fix the camera's source: path");
        }
        if (!Files.isReadable(p) || Files.isDirectory(p)) {
            throw new SourceException("video file is not a readable file: " + p + "; check the path and its permissions");
        }
    }

    /** The fix a file that FFmpeg cannot open needs. */
    static String openFix(SourceUri uri) {
        return "; the file is missing, corrupt or not a video (check it with: ffprobe " + uri + ")";
    }

    /**
     * Notes a decoded frame at {@code ptsMillis}. A gap of more than 1.5 frame intervals since the last one holds
     * round(gap/interval) - 1 lost frames, counted in {@link #missing()}.
     */
    void frame(long ptsMillis) {
        if (frames > 0 && frameRate > 0) {
            double interval = 1000.0 / frameRate;
            double gap = ptsMillis - lastPtsMillis;
            if (gap > 1.5 * interval) {
                missing += Math.round(gap / interval) - 1;
            }
        }
        frames++;
        lastPtsMillis = ptsMillis;
    }

    /** Frames lost in the holes of the timestamps so far. */
    long missing() {
        return missing;
    }

    /** At the end of the file: throws when it ended more than a second before its declared duration. */
    void checkNotTruncated() throws SourceException {
        if (declaredDurationMillis <= 0) {
            return;
        }
        long frameMillis = frameRate > 0 ? Math.round(1000 / frameRate) : 0;
        long reached = frames == 0 ? 0 : lastPtsMillis + frameMillis;
        if (reached + TRUNCATION_TOLERANCE_MS < declaredDurationMillis) {
            throw new SourceException(String.format(Locale.ROOT,
                    "%s ended at %.1f s of its declared %.1f s after %d frames: the file is truncated or corrupt;"
                            + " re-copy or re-encode it", uri, reached / 1000.0, declaredDurationMillis / 1000.0,
                    frames));
        }
    }
}
