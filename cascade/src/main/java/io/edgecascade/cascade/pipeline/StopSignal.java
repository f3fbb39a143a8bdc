package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.Deadline;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The stop of one run: when it began, the one deadline it runs under ({@code pipeline.shutdown_timeout_s}), and a
 * sleep that a stop cuts short (a worker's backoff before reopening its engine). A stop begins once: on a signal, on a
 * fatal failure, or when the last camera ended by itself. Thread-safe.
 */
final class StopSignal {

    private final Duration timeout;
    private volatile Deadline deadline;

    StopSignal(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Begins the stop (once) under {@code given}, a deadline that began earlier (null: the timeout from now); true for
     * the call that began it.
     */
    boolean begin(Deadline given) {
        synchronized (this) {
            if (deadline != null) {
                return false;
            }
            deadline = given != null ? given : Deadline.after(timeout);
            notifyAll();
            return true;
        }
    }

    /** The stop's deadline, or null while the run goes on. */
    Deadline deadline() {
        return deadline;
    }

    boolean stopping() {
        return deadline != null;
    }

    /** True once the stop's deadline has passed: what is left is abandoned, not finished. */
    boolean pastDeadline() {
        Deadline d = deadline;
        return d != null && d.expired();
    }

    Duration timeout() {
        return timeout;
    }

    /** Sleeps {@code millis}, or less when a stop begins; true when it was cut short by a stop. */
    boolean sleep(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (this) {
            long left;
            while (deadline == null && (left = end - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return deadline != null;
        }
    }
}
