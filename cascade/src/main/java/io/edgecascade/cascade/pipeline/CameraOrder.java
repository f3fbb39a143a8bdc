package io.edgecascade.cascade.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts one camera's frames back in capture order after the detector workers, which finish them in any order: each
 * frame gets a ticket when it is queued for the detector ({@link #next()}); a worker that is done with it hands in
 * what is left to do ({@link #complete}: track it and pass it on), or {@link #skip}s it (dropped, failed). The work of
 * ticket n runs only after that of every ticket before it, on the thread that completed the oldest one outstanding,
 * never two at once; the others go back to detecting. So tracking sees the frames in order, and event lines and best
 * frames reach the sinks in order.
 *
 * <p>Work handed in waits with its frame (and the frame's pixels, 16 MB at 3072x1728) until its turn. While another
 * thread runs the camera's work, and that work is blocked (a frame waiting for room in the sinks' pixel budget), the
 * other workers would keep detecting and handing in frames: without a bound they pile up here, outside every queue's
 * bound (20 frames, 300 MB, in the 4x4 mosaic's run with the page and forwarding). So at most {@link #MAX_WAITING}
 * frames' work waits while the camera's work runs; a worker with one more waits for the line to move (it is the same
 * back-pressure a full queue gives). Skipped tickets hold no frame and never wait, nor does the work of the ticket
 * whose turn it is.
 *
 * <p>Every ticket handed out must be completed or skipped, else the camera's later frames wait; at the end of the
 * run {@link #flush()} runs whatever is left in order and reports tickets that never came; what is handed in after it
 * (a capture thread freeing its last frame) runs at once. Thread-safe.
 */
final class CameraOrder {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CameraOrder.class);
    private static final Runnable SKIPPED = () -> {
    };
    /** Frames' work that may wait in line while the camera's work runs on another thread. */
    static final int MAX_WAITING = 2;

    private final String camera;
    private final Map<Long, Runnable> done = new HashMap<>();
    private long nextTicket;
    private long head;
    /** Tickets whose work has run (or was skipped), all below this one. */
    private long ran;
    private boolean draining;
    private boolean flushed;
    private boolean flushRan;

    CameraOrder(String camera) {
        this.camera = camera;
    }

    /** The ticket of the next frame (or task) of the camera. */
    synchronized long next() {
        return nextTicket++;
    }

    /** Ticket {@code ticket} will never get work (the frame was dropped or failed). */
    void skip(long ticket) {
        complete(ticket, SKIPPED);
    }

    /**
     * Hands in the work of {@code ticket}; runs it, and every later ticket's work already handed in, once all earlier
     * tickets are done, unless another thread is running the camera's work already (it then runs this too).
     */
    void complete(long ticket, Runnable work) {
        boolean late;
        synchronized (this) {
            // the camera's work runs on another thread and its line is full: wait for it to move (its runner never
            // waits for a worker, so this ends; a flush ends it too). Interrupted (a stop): the work is handed in all
            // the same, so that no ticket goes missing, and the interrupt stays set for the caller.
            try {
                while (work != SKIPPED && (flushed ? !flushRan
                        : draining && ticket != head && done.size() >= MAX_WAITING)) {
                    wait(); // also while the flush runs what was left: a late hand-in comes after it
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            late = flushed; // the run's end: nothing is in flight any more, a late hand-in runs as it comes
            if (!late) {
                if (ticket < head || done.putIfAbsent(ticket, work) != null) {
                    throw new IllegalStateException("camera " + camera + ": ticket " + ticket + " completed twice");
                }
                if (draining) {
                    return;
                }
                draining = true;
            }
        }
        if (late) {
            work.run();
        } else {
            drain();
        }
    }

    private void drain() {
        boolean finished = false;
        try {
            while (true) {
                Runnable next;
                synchronized (this) {
                    ran = head;
                    // wakes awaitRun, and a worker waiting for room in the line (or to run the line itself)
                    notifyAll();
                    next = done.remove(head);
                    if (next == null) {
                        draining = false;
                        finished = true;
                        return;
                    }
                    head++;
                }
                next.run();
            }
        } finally {
            if (!finished) {
                synchronized (this) {
                    draining = false; // the work threw (an Error): the next completion drains on
                    notifyAll();
                }
            }
        }
    }

    /**
     * End of the run (no worker left): runs the work still waiting, in ticket order, past the tickets that never came
     * (a bug or a thread that died without skipping; logged).
     */
    void flush() {
        List<Runnable> left;
        long missing;
        synchronized (this) {
            TreeMap<Long, Runnable> sorted = new TreeMap<>(done);
            done.clear();
            missing = nextTicket - head - sorted.size();
            head = nextTicket;
            left = new ArrayList<>(sorted.values());
            flushed = true;
        }
        if (missing > 0) {
            LOG.warn("camera {}: {} frame(s) never came back from the detector; their place in the order is skipped",
                    camera, missing);
        }
        try {
            left.forEach(Runnable::run);
        } finally {
            synchronized (this) {
                ran = nextTicket;
                flushRan = true;
                notifyAll();
            }
        }
    }

    /**
     * Waits until the work of every ticket handed out so far has run (the camera's tracker has seen every frame sent to
     * the detector), at most {@code maxMillis}; false when it timed out.
     */
    synchronized boolean awaitRun(long maxMillis) throws InterruptedException {
        long target = nextTicket;
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        while (ran < target) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** Tickets handed out and not yet run (for tests and metrics). */
    synchronized long outstanding() {
        return nextTicket - head;
    }
}
