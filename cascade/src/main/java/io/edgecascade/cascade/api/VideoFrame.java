package io.edgecascade.cascade.api;

import java.time.Instant;
import java.util.Objects;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One decoded frame that a stage hands to the next. It owns its pixels: whoever holds it last closes it.
 *
 * <p>A frame may travel without its pixels ({@link #withoutPixels()}, {@link #hasPixels()}): once detection is done,
 * the pixels of a frame no sink reads are freed before it queues for the sinks; its size stays known.
 */
public final class VideoFrame implements AutoCloseable {

    private final String camera;
    private final long sequence;
    private final long ptsMillis;
    private final Instant captured;
    private final Mat image;
    private final int width;
    private final int height;

    /**
     * @param camera    camera id from the config
     * @param sequence  0-based index of the frame in its source
     * @param ptsMillis presentation time from the stream, in ms since the stream's start
     * @param captured  wall-clock time the frame was decoded
     * @param image     BGR, 8 bits per channel (empty for a frame that carries no pixels, e.g. the end of a stream)
     */
    public VideoFrame(String camera, long sequence, long ptsMillis, Instant captured, Mat image) {
        this(camera, sequence, ptsMillis, captured, Objects.requireNonNull(image, "image"), image.cols(),
                image.rows());
    }

    private VideoFrame(String camera, long sequence, long ptsMillis, Instant captured, Mat image, int width,
            int height) {
        this.camera = Objects.requireNonNull(camera, "camera");
        this.sequence = sequence;
        this.ptsMillis = ptsMillis;
        this.captured = Objects.requireNonNull(captured, "captured");
        this.image = image;
        this.width = width;
        this.height = height;
    }

    public String camera() {
        return camera;
    }

    public long sequence() {
        return sequence;
    }

    public long ptsMillis() {
        return ptsMillis;
    }

    public Instant captured() {
        return captured;
    }

    /** The pixels (BGR); empty when the frame travels without them. */
    public Mat image() {
        return image;
    }

    /** Width of the decoded frame, also when it travels without its pixels. */
    public int width() {
        return width;
    }

    /** Height of the decoded frame, also when it travels without its pixels. */
    public int height() {
        return height;
    }

    /** True when {@link #image()} holds the frame's pixels. */
    public boolean hasPixels() {
        return !image.isNull() && !image.empty();
    }

    /** Bytes of pixels this frame holds (0 without them). */
    public long pixelBytes() {
        return hasPixels() ? image.total() * image.elemSize() : 0;
    }

    /**
     * The same frame without pixels (same camera, sequence, times and size). This frame keeps its own: the caller
     * closes it when it is done with them.
     */
    public VideoFrame withoutPixels() {
        return new VideoFrame(camera, sequence, ptsMillis, captured, new Mat(), width, height);
    }

    @Override
    public void close() {
        image.close();
    }

    @Override
    public String toString() {
        return "VideoFrame[camera=" + camera + ", sequence=" + sequence + ", ptsMillis=" + ptsMillis + ", " + width
                + "x" + height + (hasPixels() ? "" : ", no pixels") + "]";
    }
}
