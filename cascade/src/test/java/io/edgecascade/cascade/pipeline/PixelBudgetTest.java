package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PixelBudgetTest {

    @Test
    @Timeout(30)
    void aFrameThatDoesNotFitWaitsUntilAnotherIsReleased() throws Exception {
        PixelBudget budget = new PixelBudget(100);
        assertTrue(budget.acquire(60, () -> false));
        CountDownLatch got = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                if (budget.acquire(60, () -> false)) {
                    got.countDown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        assertFalse(got.await(300, TimeUnit.MILLISECONDS), "60 + 60 bytes do not fit in 100");
        budget.release(60);
        assertTrue(got.await(10, TimeUnit.SECONDS), "the waiting frame got its bytes once the first was released");
        t.join();
        assertEquals(60, budget.used());
        assertEquals(60, budget.peak());
    }

    @Test
    @Timeout(30)
    void oneFrameLargerThanTheBudgetPassesAlone() throws Exception {
        PixelBudget budget = new PixelBudget(100);
        assertTrue(budget.acquire(250, () -> false), "nothing else held: a huge frame never waits forever");
        assertEquals(250, budget.used());
        budget.release(250);
        assertEquals(0, budget.used());
    }

    @Test
    @Timeout(30)
    void aWaiterGivesUpWhenNobodyWillTakeTheFrameAnyMore() throws Exception {
        PixelBudget budget = new PixelBudget(100);
        assertTrue(budget.acquire(100, () -> false));
        AtomicBoolean gone = new AtomicBoolean();
        AtomicBoolean result = new AtomicBoolean(true);
        Thread t = new Thread(() -> {
            try {
                result.set(budget.acquire(10, gone::get));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        gone.set(true); // the output stage ended: the waiter must not wait for a release that never comes
        t.join(10_000);
        assertFalse(t.isAlive(), "the waiter gave up");
        assertFalse(result.get());
        assertEquals(100, budget.used(), "a waiter that gave up took nothing");
    }
}
