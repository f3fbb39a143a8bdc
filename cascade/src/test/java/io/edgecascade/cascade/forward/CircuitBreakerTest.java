package io.edgecascade.cascade.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private long now = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @Test
    void backoffDoublesUpToTheMaximumWithJitterInTheUpperHalf() {
        Backoff low = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.0);
        Backoff high = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.999999);
        assertEquals(50 * MS, low.delayNanos(0));
        assertEquals(100 * MS, low.delayNanos(1));
        assertEquals(200 * MS, low.delayNanos(2));
        assertEquals(500 * MS, low.delayNanos(10), "capped at max");
        assertEquals(500 * MS, low.delayNanos(1000));
        assertTrue(high.delayNanos(0) > 99 * MS && high.delayNanos(0) <= 100 * MS);
        assertTrue(high.delayNanos(5) <= 1000 * MS);
    }

    @Test
    void retriesWithBackoffThenOpensThenProbes() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), () -> 0.0);
        CircuitBreaker cb = new CircuitBreaker(3, b, () -> now);
        assertEquals(0, cb.delayNanos());

        assertFalse(cb.onFailure());
        assertEquals(CircuitBreaker.State.CLOSED, cb.state());
        assertEquals(50 * MS, cb.delayNanos(), "first retry after the first backoff step");
        now += 50 * MS;
        assertEquals(0, cb.delayNanos());

        assertFalse(cb.onFailure());
        assertEquals(100 * MS, cb.delayNanos(), "second retry waits twice as long");
        now += 100 * MS;

        assertTrue(cb.onFailure(), "third failure in a row opens the circuit");
        assertEquals(CircuitBreaker.State.OPEN, cb.state());
        assertEquals(50 * MS, cb.delayNanos());
        assertFalse(cb.onFailure(), "late failures of requests sent before do not reopen it");
        now += 50 * MS;

        assertEquals(0, cb.delayNanos(), "open period over: one probe may go");
        assertEquals(CircuitBreaker.State.HALF_OPEN, cb.state());
        cb.onSend();
        assertEquals(CircuitBreaker.PROBE_POLL_NANOS, cb.delayNanos(), "nothing else while the probe is out");
        cb.onFailure();
        assertEquals(CircuitBreaker.State.OPEN, cb.state());
        assertEquals(100 * MS, cb.delayNanos(), "each failed probe doubles the open period");
        now += 100 * MS;
        assertEquals(0, cb.delayNanos());
        cb.onSend();
        cb.onSuccess();
        assertEquals(CircuitBreaker.State.CLOSED, cb.state());
        assertEquals(0, cb.delayNanos());
        assertEquals(0, cb.failures());
    }

    @Test
    void successResetsTheFailureCount() {
        CircuitBreaker cb = new CircuitBreaker(2, new Backoff(Duration.ofMillis(10), Duration.ofMillis(10),
                () -> 0.0), () -> now);
        cb.onFailure();
        cb.onSuccess();
        assertFalse(cb.onFailure(), "one failure after a success does not open a threshold-2 circuit");
        assertEquals(CircuitBreaker.State.CLOSED, cb.state());
    }
}
