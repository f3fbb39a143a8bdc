package io.edgecascade.cascade.source;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Files, network streams and V4L2 cameras through FFmpeg (JavaCV's grabber), decoded straight to BGR.
 *
 * <p>A frame that fails to decode (an exception, or a hole in the timestamps where the decoder silently skipped
 * corrupt data) is counted and skipped; {@link #MAX_CONSECUTIVE_ERRORS} failures in a row,
 * or a file that ends well before the duration its container declares, end the source with an error.
 */
public final class FfmpegFrameSource implements FrameSource {

    /** Decode failures in a row after which the stream is considered broken. */
    static final int MAX_CONSECUTIVE_ERRORS = 25;
    /** A file that stops this much before its declared duration is reported as truncated. */
    private static final long TRUNCATION_TOLERANCE_MS = 1_000;
    /** Socket timeout for network streams, so a dead camera fails instead of hanging the capture thread. */
    private final SourceUri uri;
    private FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private long sequence;
    private long firstTimestampMicros = Long.MIN_VALUE;
    private long lastPtsMillis;
    private long decodeErrors;
    private long declaredDurationMillis;
    private double frameRate;

    static {
        // FFmpeg prints every decode hiccup to the console; errors reach the user as counted, one-line reports
        configureLogging(false);
    }

    public FfmpegFrameSource(SourceUri uri) {
        this.uri = uri;
    }

    /** Quiets FFmpeg's own console output unless {@code verbose}: errors reach the user as counted lines. */
    public static void configureLogging(boolean verbose) {
        avutil.av_log_set_level(verbose ? avutil.AV_LOG_WARNING : avutil.AV_LOG_QUIET);
    }

    @Override
    public void open() throws SourceException {
        if (!uri.live()) {
            Path p = Path.of(uri.location());
            if (!Files.exists(p)) {
                throw new SourceException("video file not found: " + p + "; fix the camera's source: path");
            }
            if (!Files.isReadable(p) || Files.isDirectory(p)) {
                throw new SourceException("video file is not a readable file: " + p
                        + "; check the path and its permissions");
            }
        }
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(uri.location());
        if (uri.format() != null) {
            g.setFormat(uri.format());
        }
        g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        if (uri.live() && uri.format() == null) {
            StreamOptions.DEFAULTS.ffmpegOptions(uri).forEach(g::setOption);
        }
        try {
            g.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(g);
            throw new SourceException("cannot open " + (uri.live() ? "stream " : "video ") + uri + ": "
                    + reason(e) + (uri.live()
                            ? "; check the URL, credentials and that the camera is reachable"
                            : "; the file is missing, corrupt or not a video (check it with: ffprobe " + uri + ")"),
                    e);
        }
        if (g.getVideoStream() < 0 || g.getImageWidth() <= 0) {
            closeQuietly(g);
            throw new SourceException(uri + " has no video stream; point source: at a video file or camera");
        }
        grabber = g;
        frameRate = g.getFrameRate();
        declaredDurationMillis = uri.live() ? 0 : Math.max(0, g.getLengthInTime() / 1000);
    }

    @Override
    public Frame grab() throws SourceException {
        if (grabber == null) {
            throw new IllegalStateException("source not open");
        }
        int consecutive = 0;
        while (true) {
            org.bytedeco.javacv.Frame f;
            try {
                f = grabber.grabImage();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                decodeErrors++;
                if (++consecutive >= MAX_CONSECUTIVE_ERRORS) {
                    throw new SourceException(uri + ": " + consecutive + " frames in a row failed to decode ("
                            + reason(e) + "); the stream or file is corrupt", e);
                }
                continue;
            }
            if (f == null) {
                checkNotTruncated();
                return null;
            }
            if (f.image == null) {
                continue;
            }
            if (firstTimestampMicros == Long.MIN_VALUE) {
                firstTimestampMicros = f.timestamp;
            }
            Mat image = converter.convert(f);
            long pts = Math.max(0, (f.timestamp - firstTimestampMicros) / 1000);
            decodeErrors += framesMissingBefore(pts);
            lastPtsMillis = pts;
            return new Frame(sequence++, pts, image);
        }
    }

    /**
     * FFmpeg's decoder skips packets it cannot decode without telling the caller; the hole they leave in the
     * timestamps is how they are counted. A gap of more than 1.5 frame intervals holds round(gap/interval) - 1
     * lost frames.
     */
    private long framesMissingBefore(long ptsMillis) {
        if (sequence == 0 || frameRate <= 0) {
            return 0;
        }
        double interval = 1000.0 / frameRate;
        double gap = ptsMillis - lastPtsMillis;
        return gap > 1.5 * interval ? Math.round(gap / interval) - 1 : 0;
    }

    private void checkNotTruncated() throws SourceException {
        if (uri.live() || declaredDurationMillis <= 0) {
            return;
        }
        long frameMillis = frameRate > 0 ? Math.round(1000 / frameRate) : 0;
        long reached = sequence == 0 ? 0 : lastPtsMillis + frameMillis;
        if (reached + TRUNCATION_TOLERANCE_MS < declaredDurationMillis) {
            throw new SourceException(String.format(java.util.Locale.ROOT,
                    "%s ended at %.1f s of its declared %.1f s after %d frames: the file is truncated or corrupt;"
                            + " re-copy or re-encode it", uri, reached / 1000.0, declaredDurationMillis / 1000.0,
                    sequence));
        }
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        // JavaCV messages read "avformat_open_input() error -2: Could not open input ..."; keep the part after
        // the function name, which is FFmpeg's own explanation.
        int colon = m.indexOf(": ");
        String tail = colon >= 0 && m.contains("()") ? m.substring(colon + 2) : m;
        // drop JavaCV's hints for programmers, which mean nothing to a user
        tail = tail.replace(" (Has setFormat() been called?)", "")
                .replace(" (For more details, make sure FFmpegLogCallback.set() has been called.)", "");
        return SourceUri.redact(tail.replace('\n', ' ').trim());
    }

    @Override
    public double frameRate() {
        return frameRate;
    }

    @Override
    public boolean isLive() {
        return uri.live();
    }

    @Override
    public long decodeErrors() {
        return decodeErrors;
    }

    @Override
    public String describe() {
        return uri.toString();
    }

    @Override
    public void close() {
        if (grabber != null) {
            closeQuietly(grabber);
            grabber = null;
        }
        converter.close();
    }

    private static void closeQuietly(FFmpegFrameGrabber g) {
        try {
            g.close();
        } catch (FrameGrabber.Exception | RuntimeException ignored) {
            // closing a half-open grabber can fail; there is nothing left to release
        }
    }
}
