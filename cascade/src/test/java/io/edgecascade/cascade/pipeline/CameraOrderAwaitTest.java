package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A file's gate waits for its tracker to see the looks already sent ({@link CameraOrder#awaitRun}). */
class CameraOrderAwaitTest {

    @Test
    void awaitRunReturnsOnceEveryTicketHandedOutHasRunInOrder() throws Exception {
        CameraOrder order = new CameraOrder("cam");
        assertTrue(order.awaitRun(0), "nothing handed out: nothing to wait for");
        long a = order.next();
        long b = order.next();
        List<Long> ran = new ArrayList<>();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return order.awaitRun(30_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        order.complete(b, () -> ran.add(b));
        assertFalse(waiter.isDone() && waiter.get(), "ticket a has not run: b waits behind it");
        order.complete(a, () -> ran.add(a));
        assertTrue(waiter.get(30, TimeUnit.SECONDS));
        assertEquals(List.of(a, b), ran);
        long c = order.next();
        assertFalse(order.awaitRun(50), "a ticket that never comes back: the wait ends at its limit");
        order.skip(c);
        assertTrue(order.awaitRun(0));
    }

    @Test
    void flushEndsTheWait() throws Exception {
        CameraOrder order = new CameraOrder("cam");
        order.next();
        order.flush();
        assertTrue(order.awaitRun(0), "the run's end: nothing is in flight any more");
    }
}
