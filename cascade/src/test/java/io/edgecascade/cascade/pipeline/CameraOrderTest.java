package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CameraOrderTest {

    private final List<Long> ran = Collections.synchronizedList(new ArrayList<>());

    private Runnable record(long ticket) {
        return () -> ran.add(ticket);
    }

    @Test
    void workRunsInTicketOrderWhateverOrderItIsHandedIn() {
        CameraOrder order = new CameraOrder("cam");
        for (int i = 0; i < 4; i++) {
            order.next();
        }
        order.complete(2, record(2));
        order.complete(1, record(1));
        assertEquals(List.of(), ran, "ticket 0 is outstanding");
        order.skip(0);
        assertEquals(List.of(1L, 2L), ran);
        order.complete(3, record(3));
        assertEquals(List.of(1L, 2L, 3L), ran);
        assertEquals(0, order.outstanding());
    }

    /**
     * While the camera's work is blocked on one thread (a frame waiting for room in the sinks' pixel budget), another
     * worker may line up only {@link CameraOrder#MAX_WAITING} frames; with one more it waits until the line moves.
     * Failed before: every hand-in returned at once, and in the 4x4 mosaic's run with the page and forwarding on up to
     * 20 full-resolution frames piled up here, outside every queue's bound.
     */
    @Test
    void aWorkerWaitsWhenTheLineBehindBlockedWorkIsFull() throws Exception {
        CameraOrder order = new CameraOrder("cam");
        for (int i = 0; i < 5; i++) {
            order.next();
        }
        CountDownLatch unblock = new CountDownLatch(1);
        Thread runner = blockedRunner(order, unblock, true);

        Thread worker = worker(order, 1 + CameraOrder.MAX_WAITING, null);
        assertEquals(Thread.State.WAITING, settledState(worker), "the worker's last hand-in waits for room");
        order.skip(4); // a skip holds no frame and never waits
        assertEquals(List.of(), ran);

        unblock.countDown();
        runner.join(30_000);
        worker.join(30_000);
        assertEquals(List.of(0L, 1L, 2L, 3L), ran);
        assertEquals(0, order.outstanding());
    }

    /** A waiting worker that is interrupted (a stop) hands its work in all the same: no ticket goes missing. */
    @Test
    void anInterruptedWaitStillHandsTheWorkIn() throws Exception {
        CameraOrder order = new CameraOrder("cam");
        for (int i = 0; i < 4; i++) {
            order.next();
        }
        CountDownLatch unblock = new CountDownLatch(1);
        Thread runner = blockedRunner(order, unblock, true);
        boolean[] interruptKept = new boolean[1];
        Thread worker = worker(order, 3, interruptKept);
        assertEquals(Thread.State.WAITING, settledState(worker));
        worker.interrupt();
        worker.join(30_000);
        assertTrue(interruptKept[0], "the interrupt stays set for the caller");
        unblock.countDown();
        runner.join(30_000);
        assertEquals(List.of(0L, 1L, 2L, 3L), ran);
    }

    /** The end of the run (flush) lets a waiting worker go; its work then runs as it comes. */
    @Test
    void aFlushReleasesAWaitingWorker() throws Exception {
        CameraOrder order = new CameraOrder("cam");
        for (int i = 0; i < 4; i++) {
            order.next();
        }
        CountDownLatch unblock = new CountDownLatch(1);
        Thread runner = blockedRunner(order, unblock, false);
        Thread worker = worker(order, 3, null);
        assertEquals(Thread.State.WAITING, settledState(worker));
        order.flush();
        worker.join(30_000);
        assertEquals(List.of(1L, 2L, 3L), ran, "the waiting lines run at the flush, the late one as it comes");
        unblock.countDown();
        runner.join(30_000);
    }

    /**
     * A thread that hands in ticket 0 with work that blocks until {@code unblock} (and then records 0 when
     * {@code records}); returns once that work is running.
     */
    private Thread blockedRunner(CameraOrder order, CountDownLatch unblock, boolean records)
            throws InterruptedException {
        CountDownLatch blocked = new CountDownLatch(1);
        Thread runner = new Thread(() -> order.complete(0, () -> {
            blocked.countDown();
            await(unblock);
            if (records) {
                ran.add(0L);
            }
        }), "runner");
        runner.start();
        assertTrue(blocked.await(30, TimeUnit.SECONDS));
        return runner;
    }

    /** A started thread that hands in tickets 1..last in order; sets {@code interrupted[0]} at its end if given. */
    private Thread worker(CameraOrder order, long last, boolean[] interrupted) {
        Thread worker = new Thread(() -> {
            for (long t = 1; t <= last; t++) {
                order.complete(t, record(t));
            }
            if (interrupted != null) {
                interrupted[0] = Thread.currentThread().isInterrupted();
            }
        }, "worker");
        worker.start();
        return worker;
    }

    /** The thread's state once it waits or has ended (whichever comes first; a generous deadline). */
    private static Thread.State settledState(Thread t) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TERMINATED) {
                return s;
            }
            Thread.sleep(5);
        }
        return t.getState();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
