package io.edgecascade.cascade.record;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that muxes live cameras' clips, so that neither a camera's capture thread nor the output thread
 * waits on the disk. {@link #start()} starts it, {@link #close(long)} writes what is queued within a time limit and
 * logs one line per clip it has to abandon.
 */
final class LiveClipWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveClipWriter.class);
    /** Clips waiting beyond this are refused (logged): a disk that stopped must not fill the memory. */
    static final int MAX_QUEUED = 32;

    private final Consumer<PacketRing.PendingClip> write;
    private final LinkedBlockingQueue<PacketRing.PendingClip> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private Thread thread;
    private volatile boolean closing;

    /** @param write muxes one clip and logs the outcome; must not throw */
    LiveClipWriter(Consumer<PacketRing.PendingClip> write) {
        this.write = write;
    }

    synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(this::loop, "clip-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a clip; any thread; never blocks. */
    void submit(PacketRing.PendingClip clip) {
        if (thread == null || closing || !queue.offer(clip)) {
            abandoned(clip, thread == null ? "the writer is not running" : closing ? "the recorder is closing"
                    : MAX_QUEUED + " clips already wait for the disk");
        }
    }

    private void loop() {
        while (true) {
            PacketRing.PendingClip c;
            try {
                c = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (c != null) {
                write.accept(c);
            } else if (closing) {
                return;
            }
        }
    }

    /** Writes the queued clips for up to {@code millis}, then abandons the rest (one line each). */
    void close(long millis) {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        closing = true;
        if (t != null) {
            try {
                t.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            t.interrupt();
        }
        List<PacketRing.PendingClip> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(c -> abandoned(c, "no time left to write it while stopping"));
    }

    @Override
    public void close() {
        close(30_000);
    }

    private static void abandoned(PacketRing.PendingClip c, String why) {
        LOG.warn("record: camera {} event {}: clip abandoned ({} packets): {}", c.camera(), c.eventId(),
                c.packets().size(), why);
    }
}
