package io.edgecascade.cascade.api;

import java.time.Instant;
import java.util.Objects;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One decoded frame that a stage hands to the next. It owns its pixels: whoever holds it last closes it.
 *
 * @param camera   camera id from the config
 * @param sequence 0-based index of the frame in its source
 * @param ptsMillis presentation time from the stream, in ms since the stream's start
 * @param captured wall-clock time the frame was decoded
 * @param image    BGR, 8 bits per channel
 */
public record VideoFrame(String camera, long sequence, long ptsMillis, Instant captured, Mat image)
        implements AutoCloseable {

    public VideoFrame {
        Objects.requireNonNull(camera, "camera");
        Objects.requireNonNull(captured, "captured");
        Objects.requireNonNull(image, "image");
    }

    public int width() {
        return image.cols();
    }

    public int height() {
        return image.rows();
    }

    @Override
    public void close() {
        image.close();
    }
}
