package io.edgecascade.cascade.ui;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One live image of a camera (the annotated view, or the gate's debug view) between the capture thread and the
 * people watching it. The capture thread copies a frame only while someone watches, at most once per interval;
 * the first watcher to want a new copy encodes it (drawing on it first) and every watcher gets the same JPEG,
 * so a frame is encoded once however many watch, and never when nobody does.
 *
 * <p>The copy ({@link Mat}) is owned here until a watcher takes it to encode, and freed by whoever holds it
 * last: the watcher after encoding, or the capture thread when a newer copy replaces one nobody took.
 *
 * @param <M> what travels with the copy (what the drawing needs)
 */
final class PreviewChannel<M> implements AutoCloseable {

    /** A JPEG and the number of the copy it was made from. */
    record Encoded(long sequence, byte[] jpeg) {
    }

    private final long intervalNanos;
    private final AtomicInteger watchers = new AtomicInteger();
    /** Capture thread only. */
    private long lastTakenNanos;
    private boolean taken;
    // guarded by this
    private Mat raw;
    private M rawMeta;
    private long rawSequence;
    private boolean encoding;
    private byte[] jpeg;
    private long jpegSequence;
    private boolean closed;

    PreviewChannel(int fps) {
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / fps;
    }

    /** Someone starts watching; close the result when they stop. */
    AutoCloseable watch() {
        watchers.incrementAndGet();
        return watchers::decrementAndGet;
    }

    /** Capture thread: whether to copy this frame (someone watches and the interval has passed). One volatile read when nobody watches. */
    boolean wanted(long nowNanos) {
        if (watchers.get() == 0) {
            return false;
        }
        if (taken && nowNanos - lastTakenNanos < intervalNanos) {
            return false;
        }
        taken = true;
        lastTakenNanos = nowNanos;
        return true;
    }

    /** Capture thread: hands over a copy (owned from now on by this channel). */
    synchronized void publish(Mat copy, M meta) {
        if (closed) {
            copy.close();
            return;
        }
        if (raw != null) {
            raw.close(); // nobody took the previous one in time
        }
        raw = copy;
        rawMeta = meta;
        rawSequence++;
        notifyAll();
    }

    /** The number of the latest copy; pass it to {@link #next} to wait for a copy taken after now. */
    synchronized long sequence() {
        return rawSequence;
    }

    /** The last JPEG made, or null. */
    synchronized Encoded last() {
        return jpeg == null ? null : new Encoded(jpegSequence, jpeg);
    }

    /**
     * The JPEG of the first copy numbered above {@code after}, encoding it with {@code encoder} (which may draw
     * on the copy) when it is this caller's turn; null when none comes within {@code timeoutMillis}.
     */
    Encoded next(long after, long timeoutMillis, BiFunction<Mat, M, byte[]> encoder) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            Mat m;
            M meta;
            long seq;
            synchronized (this) {
                while (jpegSequence <= after && (raw == null || encoding) && !closed) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        return null;
                    }
                    wait(left);
                }
                if (jpegSequence > after) {
                    return new Encoded(jpegSequence, jpeg);
                }
                if (closed) {
                    return null;
                }
                m = raw;
                meta = rawMeta;
                seq = rawSequence;
                raw = null;
                encoding = true;
            }
            byte[] bytes = null;
            try {
                bytes = encoder.apply(m, meta);
            } finally {
                m.close();
                synchronized (this) {
                    encoding = false;
                    if (bytes != null && seq > jpegSequence) {
                        jpeg = bytes;
                        jpegSequence = seq;
                    }
                    notifyAll();
                }
            }
            if (seq > after) {
                return new Encoded(seq, bytes);
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (raw != null) {
            raw.close();
            raw = null;
        }
        notifyAll();
    }
}
