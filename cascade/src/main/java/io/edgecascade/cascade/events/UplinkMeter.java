package io.edgecascade.cascade.events;

import io.edgecascade.cascade.forward.Upload;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the cloud in {@code bench}: counts the frames chosen for the uplink and their JPEG bytes (encoded at
 * the forwarder's quality by the best-frame store), so the benchmark reports what the uplink would carry per event
 * without a server.
 */
public final class UplinkMeter implements Uplink {

    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    @Override
    public void upload(Upload u) {
        bytes.addAndGet(u.jpeg().length);
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
