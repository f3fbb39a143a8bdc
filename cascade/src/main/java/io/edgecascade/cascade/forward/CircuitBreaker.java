package io.edgecascade.cascade.forward;

import java.util.function.LongSupplier;

/**
 * Decides when the forwarder may send. Closed: requests flow; after a failure the next request waits a backoff
 * step. After {@code failureThreshold} failures in a row the circuit opens: nothing is sent for a backoff that
 * grows with every failed probe; then it is half-open: one probe request goes, and its outcome closes the
 * circuit or opens it again. Frames are never given up: they wait in the spool meanwhile.
 */
public final class CircuitBreaker {

    public enum State { CLOSED, OPEN, HALF_OPEN }

    /** How long a caller waits before asking again while a half-open probe is out. */
    static final long PROBE_POLL_NANOS = 50_000_000L;

    private final int failureThreshold;
    private final Backoff backoff;
    private final LongSupplier nanoClock;
    private State state = State.CLOSED;
    private int failures;
    private int openings;
    private long notBefore;
    private boolean probeOut;

    /** @param failureThreshold failures in a row that open the circuit (at least 1) */
    public CircuitBreaker(int failureThreshold, Backoff backoff, LongSupplier nanoClock) {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be at least 1");
        }
        this.failureThreshold = failureThreshold;
        this.backoff = backoff;
        this.nanoClock = nanoClock;
    }

    /** 0 when a request may be sent now, else how many nanoseconds to wait before asking again. */
    public synchronized long delayNanos() {
        long now = nanoClock.getAsLong();
        if (state == State.OPEN) {
            if (now < notBefore) {
                return notBefore - now;
            }
            state = State.HALF_OPEN;
            probeOut = false;
        }
        if (state == State.HALF_OPEN) {
            return probeOut ? PROBE_POLL_NANOS : 0;
        }
        return Math.max(0, notBefore - now);
    }

    /** A request is being sent (after {@link #delayNanos()} said 0). */
    public synchronized void onSend() {
        if (state == State.HALF_OPEN) {
            probeOut = true;
        }
    }

    public synchronized void onSuccess() {
        state = State.CLOSED;
        failures = 0;
        openings = 0;
        notBefore = 0;
        probeOut = false;
    }

    /** @return true when this failure opened the circuit (it was not open before) */
    public synchronized boolean onFailure() {
        long now = nanoClock.getAsLong();
        failures++;
        if (state == State.OPEN) {
            return false; // a request sent before the circuit opened; the open period stands
        }
        if (state == State.HALF_OPEN || failures >= failureThreshold) {
            boolean opened = state == State.CLOSED;
            state = State.OPEN;
            probeOut = false;
            notBefore = now + backoff.delayNanos(openings++);
            return opened;
        }
        notBefore = now + backoff.delayNanos(failures - 1);
        return false;
    }

    public synchronized State state() {
        return state;
    }

    /** Failures since the last success. */
    public synchronized int failures() {
        return failures;
    }
}
