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
 * <p>Every ticket handed out must be completed or skipped, else the camera's later frames wait; at the end of the
 * run {@link #flush()} runs whatever is left in order and reports tickets that never came; what is handed in after it
 * (a capture thread freeing its last frame) runs at once. Thread-safe.
 */
final class CameraOrder {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CameraOrder.class);
    private static final Runnable SKIPPED = () -> {
    };

    private final String camera;
    private final Map<Long, Runnable> done = new HashMap<>();
    private long nextTicket;
    private long head;
    /** Tickets whose work has run (or was skipped), all below this one. */
    private long ran;
    private boolean draining;
    private boolean flushed;

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
