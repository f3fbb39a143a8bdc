package io.edgecascade.cascade.source;

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
    /** Socket timeout for network streams, so a dead camera fails instead of hanging the capture thread. */
    private final SourceUri uri;
    private FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private long sequence;
    private long firstTimestampMicros = Long.MIN_VALUE;
    private long decodeErrors;
    private FileTimeline timeline;
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
            FileTimeline.checkReadable(uri);
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
                            : FileTimeline.openFix(uri)),
                    e);
        }
        if (g.getVideoStream() < 0 || g.getImageWidth() <= 0) {
            closeQuietly(g);
            throw new SourceException(uri + " has no video stream; point source: at a video file or camera");
        }
        grabber = g;
        frameRate = g.getFrameRate();
        timeline = new FileTimeline(uri, frameRate, uri.live() ? 0 : g.getLengthInTime() / 1000);
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
                if (!uri.live()) {
                    timeline.checkNotTruncated();
                }
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
            timeline.frame(pts);
            return new Frame(sequence++, pts, image);
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
        return decodeErrors + (timeline == null ? 0 : timeline.missing());
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
