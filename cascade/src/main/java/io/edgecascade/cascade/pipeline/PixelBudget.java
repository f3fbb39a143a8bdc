package io.edgecascade.cascade.pipeline;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The bytes of pixels that detected frames hold on their way to the sinks ({@code pipeline.sink_memory_mb}): from the
 * moment the tracking step passes a frame on until the last sink is done with it. A frame that needs its pixels there
 * (some sink reads them: a new best frame to encode, {@code cloud.forward: positives}) waits for room, like a full
 * queue: a file at full speed then waits, a live camera's newer frames are dropped at the detector queue. Frames no sink
 * reads travel without pixels and take nothing. One frame larger than the whole budget passes when nothing else holds
 * any, so a huge frame can never wait forever. Thread-safe.
 */
final class PixelBudget {

    private final long capacity;
    private long used;
    private long peak;

    PixelBudget(long capacityBytes) {
        if (capacityBytes < 1) {
            throw new IllegalArgumentException("the pixel budget must be at least 1 byte");
        }
        this.capacity = capacityBytes;
    }

    /**
     * Takes {@code bytes}, waiting while they do not fit; false (nothing taken) once {@code gone} says nobody will
     * take the frame any more (the output stage ended).
     */
    synchronized boolean acquire(long bytes, BooleanSupplier gone) throws InterruptedException {
        while (used > 0 && used + bytes > capacity) {
            if (gone.getAsBoolean()) {
                return false;
            }
            wait(TimeUnit.MILLISECONDS.toMillis(100)); // also looks at gone now and then: an ended stage never signals
        }
        if (gone.getAsBoolean()) {
            return false;
        }
        used += bytes;
        peak = Math.max(peak, used);
        return true;
    }

    synchronized void release(long bytes) {
        used -= bytes;
        if (used < 0) {
            throw new IllegalStateException("pixel budget released more than was taken");
        }
        notifyAll();
    }

    synchronized long used() {
        return used;
    }

    /** The most held at once so far (for tests and figures). */
    synchronized long peak() {
        return peak;
    }

    long capacity() {
        return capacity;
    }
}
