package io.edgecascade.cascade.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition in a test, with a generous deadline (loaded CI machines), never for a fixed time. */
public final class Conditions {

    /** The default deadline of {@link #waitFor(String, BooleanSupplier)}. */
    public static final Duration GENEROUS = Duration.ofSeconds(90);

    private Conditions() {
    }

    /** Polls {@code condition} every 50 ms until it holds; fails naming {@code what} after {@link #GENEROUS}. */
    public static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        waitFor(what, GENEROUS, condition);
    }

    public static void waitFor(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
