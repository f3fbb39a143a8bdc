package io.edgecascade.cascade.events;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * A stand-in for the cloud in {@code bench}: JPEG-encodes each frame chosen for the uplink as the forwarder's
 * binary mode would (same quality) and counts frames and bytes, so the benchmark reports what the uplink would
 * carry per event without a server.
 */
public final class UplinkMeter implements FrameSink {

    private final int quality;
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    public UplinkMeter(int quality) {
        this.quality = quality;
    }

    @Override
    public void accept(PositiveFrame p) {
        try (BytePointer jpeg = new BytePointer(); IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
            if (!imencode(".jpg", p.frame().image(), jpeg, params)) {
                throw new IllegalStateException("JPEG encoding failed for frame " + p.frame().sequence());
            }
            bytes.addAndGet(jpeg.limit());
        }
        frames.incrementAndGet();
    }

    public long frames() {
        return frames.get();
    }

    public long bytes() {
        return bytes.get();
    }

    @Override
    public String toString() {
        return "uplink meter";
    }
}
