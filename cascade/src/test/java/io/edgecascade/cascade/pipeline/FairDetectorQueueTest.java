package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-camera slots in front of the detector: latest-frame for live cameras, round-robin for the workers. */
class FairDetectorQueueTest {

    private static StageQueue<String> queue(int perKey) {
        return StageQueue.perKey("detector", perKey, s -> s.substring(0, 1));
    }

    @Test
    void busyCameraCannotStarveAQuietOne() throws Exception {
        StageQueue<String> q = queue(4);
        for (int i = 0; i < 4; i++) {
            q.put("a" + i); // camera a moves all day
        }
        q.put("b0");
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            taken.add(q.take());
        }
        assertEquals(List.of("a0", "b0", "a1"), taken);
        assertEquals(Map.of("a", 2), q.depthByKey());
    }

    @Test
    void liveCameraKeepsOnlyItsNewestFrame() throws Exception {
        StageQueue<String> q = queue(1);
        assertEquals(List.of(), q.offerLatest("a1"));
        assertEquals(List.of("a1"), q.offerLatest("a2"));
        assertEquals(List.of(), q.offerLatest("b1"));
        assertEquals(2, q.depth());
        assertEquals("a2", q.take());
        assertEquals("b1", q.take());
        q.end();
        assertNull(q.take());
    }

    @Test
    void fileCameraWaitsForRoomInItsOwnSlotOnly() throws Exception {
        StageQueue<String> q = queue(1);
        q.put("a0");
        assertTrue(q.offer("b0"), "camera b has its own slot");
        assertFalse(q.offer("a1"));
        CountDownLatch added = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            try {
                q.put("a1");
                added.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        assertFalse(added.await(200, TimeUnit.MILLISECONDS), "put waits while a's slot is full");
        assertEquals("a0", q.take());
        assertTrue(added.await(5, TimeUnit.SECONDS));
        producer.join();
        assertEquals("b0", q.take());
        assertEquals("a1", q.take());
    }

    @Test
    void aBatchTakesOneFrameOfEachCameraInRoundRobinOrder() throws Exception {
        StageQueue<String> q = queue(4);
        for (String s : List.of("a0", "a1", "a2", "b0", "c0", "c1")) {
            q.put(s);
        }
        assertEquals("a0", q.take()); // the round goes on at b
        assertEquals(List.of("b0", "c0"), q.takeUpTo(2));
        assertEquals(List.of("a1", "c1"), q.takeUpTo(4), "one frame per camera, never two of a");
        assertEquals(List.of("a2"), q.takeUpTo(4));
        assertEquals(0, q.depth());
        assertEquals(Map.of(), q.depthByKey());
    }

    @Test
    void aBatchTakesWhatIsReadyWithoutWaitingToFill() throws Exception {
        StageQueue<String> q = queue(2);
        q.put("a0");
        assertEquals(List.of("a0"), q.takeUpTo(8), "returns at once with the one frame waiting");
        List<List<String>> got = new ArrayList<>();
        CountDownLatch took = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            try {
                got.add(q.takeUpTo(8));
                took.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        worker.start();
        q.put("b0"); // the waiting worker wakes for the first frame
        assertTrue(took.await(10, TimeUnit.SECONDS));
        worker.join();
        assertEquals(List.of(List.of("b0")), got);
        q.put("c0");
        q.end();
        assertEquals(List.of("c0"), q.takeUpTo(2), "what was queued before the end is still served");
        assertTrue(q.takeUpTo(2).isEmpty(), "ended and empty");
    }

    @Test
    void aFifoQueueBatchesTheOldest() throws Exception {
        StageQueue<String> q = new StageQueue<>("fifo", 8);
        for (String s : List.of("a0", "a1", "b0")) {
            q.put(s);
        }
        assertEquals(List.of("a0", "a1"), q.takeUpTo(2));
        assertEquals(List.of("b0"), q.takeUpTo(2));
    }
}
