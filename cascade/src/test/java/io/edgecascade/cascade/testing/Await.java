package io.edgecascade.cascade.testing;

import java.time.Duration;

/**
 * Waiting in tests for a condition, never for a time: polls it until it holds, and fails with what was awaited
 * when it does not within a deadline meant to be generous for a loaded machine.
 */
public final class Await {

    /** A condition that may need I/O to check (a scrape, a file). */
    public interface Condition {
        boolean holds() throws Exception;
    }

    private static final long POLL_MS = 20;

    private Await() {
    }

    /**
     * Polls {@code condition} until it holds.
     *
     * @param what what is awaited, for the failure message ("frames to flow")
     * @throws AssertionError when it does not hold within {@code deadline}
     */
    public static void until(String what, Duration deadline, Condition condition) throws Exception {
        if (!holdsWithin(deadline, condition)) {
            throw new AssertionError("timed out after " + deadline.toSeconds() + " s waiting for " + what);
        }
    }

    /** Polls {@code condition} until it holds or {@code deadline} passes; whether it held. */
    public static boolean holdsWithin(Duration deadline, Condition condition) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            Thread.sleep(POLL_MS);
        }
        return true;
    }
}
