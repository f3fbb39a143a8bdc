package io.edgecascade.cascade.record;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one thread that muxes live cameras' clips, so that neither a camera's capture thread nor the output thread
 * waits on the disk. Its queue is bounded in bytes: a clip that would take it past {@code maxQueuedBytes} is dropped
 * (a disk that stopped must not fill the memory), counted in the {@link ClipMemory} with one line a minute. Each
 * clip's packets are released there once it is written or given up. {@link #start()} starts the thread,
 * {@link #close(long)} writes what is queued within a time limit and drops the rest the same way.
 */
final class LiveClipWriter implements AutoCloseable {

    private final Consumer<PacketRing.PendingClip> write;
    private final ClipMemory memory;
    private final long maxQueuedBytes;
    // guarded by this
    private final ArrayDeque<PacketRing.PendingClip> queue = new ArrayDeque<>();
    private long queuedBytes;
    private Thread thread;
    private boolean closing;

    /**
     * @param write          muxes one clip and logs the outcome; must not throw
     * @param maxQueuedBytes the most bytes of clips waiting; one clip is always taken when none waits
     */
    LiveClipWriter(Consumer<PacketRing.PendingClip> write, ClipMemory memory, long maxQueuedBytes) {
        this.write = write;
        this.memory = memory;
        this.maxQueuedBytes = maxQueuedBytes;
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
        String refused;
        synchronized (this) {
            long bytes = clip.bytes();
            if (thread == null) {
                refused = "the writer is not running";
            } else if (closing) {
                refused = "the recorder is closing";
            } else if (!queue.isEmpty() && queuedBytes + bytes > maxQueuedBytes) {
                refused = queue.size() + " clips (" + queuedBytes + " bytes) already wait for the disk, and"
                        + " record.max_memory_mb is " + (maxQueuedBytes >> 20) + " MB";
            } else {
                queue.addLast(clip);
                queuedBytes += bytes;
                notifyAll();
                return;
            }
        }
        giveUp(clip, refused);
    }

    private void loop() {
        while (true) {
            PacketRing.PendingClip c;
            synchronized (this) {
                while (queue.isEmpty() && !closing) {
                    try {
                        wait(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (queue.isEmpty()) {
                    return; // closing, and everything was written
                }
                c = queue.peekFirst();
            }
            try {
                write.accept(c);
            } finally {
                synchronized (this) {
                    if (queue.peekFirst() == c) { // not taken by close meanwhile
                        queue.pollFirst();
                        queuedBytes -= c.bytes();
                    }
                }
                memory.release(c.packets());
            }
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    /** Writes the queued clips for up to {@code millis}, then drops the rest (counted, one line a minute). */
    void close(long millis) {
        Thread t;
        synchronized (this) {
            t = thread;
            closing = true;
            notifyAll();
        }
        if (t != null) {
            try {
                t.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            t.interrupt();
        }
        List<PacketRing.PendingClip> left;
        synchronized (this) {
            left = new ArrayList<>(queue);
            if (t != null && t.isAlive() && !left.isEmpty()) {
                left.remove(0); // the clip the stuck thread is writing: it releases it when (if) it returns
            }
            queue.clear();
            queuedBytes = 0;
        }
        left.forEach(c -> giveUp(c, "no time left to write it while stopping"));
    }

    @Override
    public void close() {
        close(30_000);
    }

    /** Bytes of clips waiting for the disk. */
    synchronized long queuedBytes() {
        return queuedBytes;
    }

    private void giveUp(PacketRing.PendingClip c, String why) {
        memory.release(c.packets());
        memory.dropped(c.camera(), c.eventId(), "clip of " + c.packets().size() + " packets dropped: " + why);
    }
}
